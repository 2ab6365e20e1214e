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
/** Capture point ids in one list or export selection (a large fabric has a few thousand ports). */
export const MAX_CAPTURE_POINTS = 65_536;
/** Events in one step() call. */
export const MAX_STEP_EVENTS = 1_000_000_000;

// ---- the workspace and host contracts

/** A display name (topology, capture): shown in lists, stored in the database. */
export const MAX_TITLE_CHARS = 256;
/** A commit-style message attached to a topology revision. */
export const MAX_MESSAGE_CHARS = 4096;
/** A file-system path chosen by the user (import, export, recent files). */
export const MAX_PATH_CHARS = 4096;
/** A settings key or a lab id. */
export const MAX_KEY_CHARS = 128;
/** One setting value or one lab's saved state, as JSON text. */
export const MAX_JSON_CHARS = 256 * 1024;
/** A capture file handed over as bytes (browser mode has no file path to give). */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/** Recent files kept. */
export const MAX_RECENT_FILES = 20;
