/**
 * Bounds on what a caller may ask for in one call. They keep a hostile or buggy peer from making the
 * host allocate without limit (a 1 GB topology string, a page of 10⁹ rows); they are generous for
 * every honest use.
 */

/** A topology document, in UTF-16 code units (real documents are a few kilobytes). */
export const MAX_TOPOLOGY_CHARS = 8 * 1024 * 1024;
/** One command line typed into an instance console. */
export const MAX_COMMAND_CHARS = 4096;
/** A display filter expression. */
export const MAX_FILTER_CHARS = 4096;
/** An instance name (topology names are at most 63 characters; some slack for messages). */
export const MAX_NAME_CHARS = 256;
/** Rows in one capture page: large enough for fast paging, small enough to stay one bounded message. */
export const MAX_PAGE_ROWS = 10_000;
/** Events in one step() call. */
export const MAX_STEP_EVENTS = 1_000_000_000;
