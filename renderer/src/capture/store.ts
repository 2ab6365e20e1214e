/**
 * The capture view's state (Pinia store `capture`): the packet list as a window onto the worker's
 * list (total, a small page cache, the query: filter, capture points, sort), the filter bar (text,
 * live validity, completion, history), the selected frame with its detail tree, bytes and lens,
 * and the side panels (Follow TCP Stream, expert summary, export). Every question goes to the
 * simulation contract; nothing here holds more rows than the cache.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type {
  CaptureInfo,
  CompletionResult,
  ExpertSummary,
  FilterError,
  FollowedStream,
  FrameDetail,
  FramePage,
  ListQuery,
  ListRow,
  SortColumn,
  TraceLens,
} from '../../../core/contract/simulation.ts';
import { describeCallError } from '../rpc/describe-error.ts';
import { useConnectionStore } from '../stores/connection.ts';
import { useSimulationStore } from '../stores/simulation.ts';
import { ancestorsOf, innermostAt, nodeAt } from './detail-nodes.ts';
import { PageCache } from './page-cache.ts';
import type { TimeFormat } from './time-format.ts';

export type FilterState = 'empty' | 'checking' | 'valid' | 'invalid';
/** Filters kept in the history (newest first), persisted in the workspace settings. */
export const MAX_HISTORY = 20;
export const HISTORY_SETTING = 'capture.filterHistory';
/** How often a growing capture refreshes the list while frames arrive. */
export const REFRESH_MS = 250;

export const useCaptureStore = defineStore('capture', () => {
  const connection = useConnectionStore();
  const simulation = useSimulationStore();
  const api = computed(() => connection.clients?.simulation.api ?? null);

  // ---- the list
  const info = shallowRef<CaptureInfo | null>(null);
  const total = ref(0);
  /** Bumped when cached rows change, so the list re-reads them. */
  const version = ref(0);
  const appliedFilter = ref('');
  /** Capture point ids shown; null: all. */
  const points = ref<number[] | null>(null);
  const sort = ref<{ column: SortColumn; descending: boolean } | null>(null);
  const sortError = ref<string | null>(null);
  const timeFormat = ref<TimeFormat>('since-start');
  const colorize = ref(true);
  const error = ref<string | null>(null);
  /** True until the first page of the current list arrived. */
  const loading = ref(false);

  const query = (offset: number, count: number): ListQuery => ({
    offset,
    count,
    ...(appliedFilter.value ? { filter: appliedFilter.value } : {}),
    // Plain copies: reactive proxies cannot be cloned onto a port.
    ...(points.value ? { points: [...points.value] } : {}),
    ...(sort.value ? { sort: { column: sort.value.column, descending: sort.value.descending } } : {}),
  });

  /**
   * True while the applied filter is still testing frames in the worker: the list shows the
   * matches found so far and grows as the filter goes on (Wireshark shows rows while it filters).
   */
  const filtering = ref(false);
  /** Bumped by each reload, so a filter's progress of an older list is dropped. */
  let listEpoch = 0;
  /** The epoch whose filter progress is being followed, or -1. */
  let followingEpoch = -1;
  /** The largest total a partial page of this epoch said: a page asked earlier may land later. */
  let partialTotal = 0;

  const onPage = (page: FramePage | null, e: unknown) => {
    if (page) {
      total.value = Math.max(page.total, partialTotal);
      sortError.value = page.sortError;
      loading.value = false;
      if (page.error) error.value = page.error.message;
      else if (page.partial) followFilter();
    } else {
      error.value = describeCallError('Reading the packet list', e);
      loading.value = false;
    }
    version.value++;
  };
  const connectedApi = () => {
    const a = api.value;
    if (!a) throw new Error('not connected');
    return a;
  };
  // Binary pages of the list's entries; the rows drawn are built here from their bytes (see
  // page-cache.ts), and the few that need the capture's cross-frame state come from the worker.
  const cache = new PageCache(
    async (offset, count) => connectedApi().captureFrames(query(offset, count)),
    async (frames) => connectedApi().captureRows(frames),
    onPage,
    () => version.value++,
  );

  /**
   * Moves a partial list's filter on until it has tested every frame: each ask tests a slice of
   * frames in the worker (core/service/capture-list.ts FILTER_STEP_FRAMES) and says the total so
   * far; the page holding the old end is dropped so its new entries are fetched when drawn.
   */
  function followFilter(): void {
    const epoch = listEpoch;
    if (followingEpoch === epoch) return;
    followingEpoch = epoch;
    filtering.value = true;
    void (async () => {
      try {
        for (;;) {
          const page = await connectedApi().captureFrames(query(total.value, 0));
          if (epoch !== listEpoch) return;
          if (page.error) {
            error.value = page.error.message;
            break;
          }
          partialTotal = Math.max(partialTotal, page.total);
          if (page.total > total.value) {
            cache.dropTail(total.value);
            total.value = page.total;
            version.value++;
          }
          if (!page.partial) break;
        }
      } catch (e) {
        if (epoch === listEpoch) error.value = describeCallError('Filtering the packet list', e);
      } finally {
        if (epoch === listEpoch) {
          followingEpoch = -1;
          filtering.value = false;
        }
      }
    })();
  }

  /** The row at list index i (undefined while it loads; the list shows a placeholder). */
  function rowAt(i: number): ListRow | undefined {
    void version.value; // a dependency: re-read when pages land
    return cache.row(i);
  }

  /** Starts the list over with the current query: total from a first page, cache dropped. */
  async function reload(): Promise<void> {
    // For the UI benchmark and the browser's performance panel: when the list was asked for.
    performance.mark('underlay:capture-list-requested');
    listEpoch++;
    partialTotal = 0;
    filtering.value = false;
    cache.reset();
    loading.value = true;
    error.value = null;
    version.value++;
    await cache.ensure(0, 0);
  }

  async function refreshInfo(): Promise<void> {
    const a = api.value;
    if (!a) return;
    try {
      info.value = await a.captureInfo();
    } catch (e) {
      error.value = describeCallError('Reading the capture points', e);
    }
  }

  // Frames arrive while a run goes: refresh at most every REFRESH_MS. A smaller count than before
  // means a new world (a load): start over, selection and all.
  let lastFrames = -1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  watch(
    () => [simulation.status.frames, connection.generation] as const,
    () => {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        void framesChanged();
      }, lastFrames < 0 ? 0 : REFRESH_MS);
    },
    { immediate: true },
  );

  let lastGeneration = -1;
  /** Frames the plain list already holds (see noteListed); 0 when unknown. */
  let listed = 0;
  async function framesChanged(): Promise<void> {
    if (!api.value) return; // not connected yet: the connection's generation change comes back here
    const frames = simulation.status.frames;
    const fresh = connection.generation !== lastGeneration; // a (re)connection: ask everything again
    if (frames === lastFrames && !fresh) return;
    lastGeneration = connection.generation;
    if (!fresh && frames > lastFrames && frames <= listed) {
      lastFrames = frames;
      return;
    }
    const grew = !fresh && lastFrames > 0 && frames > lastFrames;
    if (frames < lastFrames) clearSelection();
    lastFrames = frames;
    if (grew && sort.value === null) {
      // Frames were added at the end: keep the pages before it (no flicker while a run goes).
      const end = total.value;
      cache.dropTail(end);
      version.value++;
      await Promise.all([cache.ensure(end, end), refreshInfo()]);
      noteListed();
      return;
    }
    await Promise.all([reload(), refreshInfo()]);
    noteListed();
  }

  /**
   * The plain list's total is the worker's frame count when it answered. The status often reports
   * that count only later (at start-up it still says 0 when the list asks): that report is then
   * nothing new and must not load the whole list again.
   */
  function noteListed(): void {
    listed = !appliedFilter.value && !points.value && !sort.value && !error.value ? total.value : 0;
  }

  // ---- the filter bar
  const filterText = ref('');
  const filterState = ref<FilterState>('empty');
  const filterError = shallowRef<FilterError | null>(null);
  const history = ref<string[]>([]);
  const completion = shallowRef<CompletionResult | null>(null);
  let checkSeq = 0;

  /** Checks the text as typed (green/red, the error's position), and asks for completions at `cursor`. */
  async function editFilter(text: string, cursor = text.length): Promise<void> {
    filterText.value = text;
    const seq = ++checkSeq;
    const a = api.value;
    if (text.trim() === '') {
      filterState.value = 'empty';
      filterError.value = null;
    } else filterState.value = 'checking';
    if (!a) return;
    try {
      const [check, complete] = await Promise.all([text.trim() === '' ? Promise.resolve({ ok: true as const }) : a.filterCheck(text), a.filterComplete(text, cursor)]);
      if (seq !== checkSeq) return; // a newer keystroke won
      if (text.trim() !== '') {
        filterState.value = check.ok ? 'valid' : 'invalid';
        filterError.value = check.ok ? null : check.error;
      }
      completion.value = complete.items.length > 0 ? complete : null;
    } catch (e) {
      if (seq === checkSeq) error.value = describeCallError('Checking the filter', e);
    }
  }

  /** Enter: applies the text when it is valid (or empty); false when it is not. */
  async function applyFilter(text = filterText.value): Promise<boolean> {
    const t = text.trim();
    const a = api.value;
    // The bar's live check of this very text already found it compiles (editFilter sets `valid`
    // only for the latest text): apply it without asking the worker again.
    const checked = text === filterText.value && filterState.value === 'valid';
    if (t !== '' && a && !checked) {
      const check = await a.filterCheck(t);
      if (!check.ok) {
        filterState.value = 'invalid';
        filterError.value = check.error;
        return false;
      }
    }
    checkSeq++;
    filterText.value = text;
    filterState.value = t === '' ? 'empty' : 'valid';
    filterError.value = null;
    completion.value = null;
    appliedFilter.value = t;
    if (t !== '') remember(t);
    clearSelection();
    await reload();
    return true;
  }

  /** Esc: drops the completion list, else puts back the applied filter, else clears it. */
  async function escapeFilter(): Promise<void> {
    checkSeq++; // a check still in flight must not bring the completions back
    if (completion.value) {
      completion.value = null;
      return;
    }
    if (filterText.value !== appliedFilter.value) {
      filterText.value = appliedFilter.value;
      filterState.value = appliedFilter.value === '' ? 'empty' : 'valid';
      filterError.value = null;
      return;
    }
    if (appliedFilter.value !== '') await applyFilter('');
  }

  function remember(t: string): void {
    history.value = [t, ...history.value.filter((h) => h !== t)].slice(0, MAX_HISTORY);
    const ws = connection.clients?.workspace.api;
    ws?.setSetting(HISTORY_SETTING, history.value).catch(() => {}); // the history is a convenience
  }

  async function loadHistory(): Promise<void> {
    const ws = connection.clients?.workspace.api;
    if (!ws) return;
    try {
      const settings = await ws.getSettings();
      const h = settings[HISTORY_SETTING];
      if (Array.isArray(h)) history.value = h.filter((x): x is string => typeof x === 'string').slice(0, MAX_HISTORY);
    } catch {
      // No workspace (or an old one): the history starts empty.
    }
  }
  watch(() => connection.generation, () => void loadHistory(), { immediate: true });

  // ---- list controls
  async function setPoints(ids: number[] | null): Promise<void> {
    points.value = ids;
    clearSelection();
    await reload();
  }

  /** A click on a column header: ascending, then descending, then back to frame order. */
  async function sortBy(column: SortColumn): Promise<void> {
    const s = sort.value;
    sort.value = s?.column !== column ? { column, descending: false } : !s.descending ? { column, descending: true } : null;
    clearSelection();
    await reload();
  }

  // ---- selection, detail, bytes, lens
  const selectedIndex = ref<number | null>(null);
  const selectedRow = shallowRef<ListRow | null>(null);
  const detail = shallowRef<FrameDetail | null>(null);
  const selectedNode = ref<string | null>(null);
  const expanded = ref<Set<string>>(new Set());
  const activeSource = ref(0);
  const lens = shallowRef<TraceLens | null>(null);
  let selectSeq = 0;

  function clearSelection(): void {
    selectSeq++;
    selectedIndex.value = null;
    selectedRow.value = null;
    detail.value = null;
    selectedNode.value = null;
    lens.value = null;
    follow.value = null;
  }

  /** Selects list entry i: its detail tree, bytes and the frames of its trace. */
  async function select(i: number): Promise<void> {
    if (total.value === 0) return;
    const index = Math.max(0, Math.min(total.value - 1, i));
    selectedIndex.value = index;
    const seq = ++selectSeq;
    const row = await cache.rowReady(index);
    if (seq !== selectSeq) return;
    selectedRow.value = row ?? null;
    if (!row) return;
    await showFrame(row.number, seq);
  }

  async function showFrame(n: number, seq: number): Promise<void> {
    const a = api.value;
    if (!a) return;
    try {
      const [d, l] = await Promise.all([a.frameDetail(n), a.traceLens(n)]);
      if (seq !== selectSeq) return;
      detail.value = d;
      lens.value = l;
      selectedNode.value = null;
      activeSource.value = 0;
      // Wireshark opens a new frame with its top-level nodes collapsed; keep what the person opened
      // when the next frame has the same shape (walking through a flow keeps the IP header open).
      const keep = new Set<string>();
      if (d) for (const p of expanded.value) if (nodeAt(d.tree, p)) keep.add(p);
      expanded.value = keep;
    } catch (e) {
      error.value = describeCallError(`Reading frame ${n}`, e);
    }
  }

  /** Ctrl+G: selects frame n if the list shows it; the message when it does not. */
  async function goToFrame(n: number): Promise<string | null> {
    const index = await indexOfFrame(n);
    if (index === null) {
      if (filtering.value) return `Frame ${n} is not among the matches found so far (the filter is still testing frames).`;
      return `Frame ${n} is not in the list${appliedFilter.value ? ' (the filter hides it)' : ''}.`;
    }
    await select(index);
    return null;
  }

  /** Where frame n is in the list: direct when plain, a binary search over frame order otherwise. */
  async function indexOfFrame(n: number): Promise<number | null> {
    if (!Number.isInteger(n) || n < 1) return null;
    if (!appliedFilter.value && !points.value && !sort.value) return n <= total.value ? n - 1 : null;
    if (sort.value && !(sort.value.column === 'number')) {
      // A sorted list has no order to search: look through the cached pages only.
      for (let i = 0; i < total.value; i++) {
        const number = cache.numberAt(i);
        if (number === undefined) break;
        if (number === n) return i;
      }
      return null;
    }
    const descending = sort.value?.descending === true;
    let lo = 0;
    let hi = total.value - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      await cache.ensure(mid, mid);
      const number = cache.numberAt(mid);
      if (number === undefined) return null;
      if (number === n) return mid;
      if (number < n !== descending) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  /** The lens's jump: shows that frame in the list (the filter is kept when it shows it, else lifted). */
  async function jumpToFrame(n: number): Promise<void> {
    if ((await goToFrame(n)) === null) return;
    filterText.value = '';
    appliedFilter.value = '';
    filterState.value = 'empty';
    points.value = null;
    sort.value = null;
    await reload();
    await goToFrame(n);
  }

  function selectNode(path: string | null): void {
    selectedNode.value = path;
    if (path === null || !detail.value) return;
    const node = nodeAt(detail.value.tree, path);
    if (node) activeSource.value = node.source;
    const next = new Set(expanded.value);
    for (const a of ancestorsOf(path)) next.add(a);
    expanded.value = next;
  }

  /** A click on a byte: the innermost node covering it is selected (and shown). */
  function selectByte(source: number, offset: number): void {
    if (!detail.value) return;
    selectNode(innermostAt(detail.value.tree, source, offset));
  }

  function toggle(path: string, open?: boolean): void {
    const next = new Set(expanded.value);
    const want = open ?? !next.has(path);
    if (want) next.add(path);
    else next.delete(path);
    expanded.value = next;
  }

  /** The byte range to highlight: the selected node's, in its data source. */
  const highlight = computed(() => {
    if (!detail.value || selectedNode.value === null) return null;
    const node = nodeAt(detail.value.tree, selectedNode.value);
    return node ? { source: node.source, offset: node.offset, length: node.length } : null;
  });

  // ---- side panels
  const follow = shallowRef<FollowedStream | null>(null);
  const followMessage = ref<string | null>(null);
  const expert = shallowRef<ExpertSummary | null>(null);
  const busy = ref<string | null>(null);

  async function followStream(): Promise<void> {
    const a = api.value;
    const row = selectedRow.value;
    if (!a || !row) return;
    busy.value = 'Following the stream';
    try {
      follow.value = await a.followStream(row.number);
      followMessage.value = follow.value ? null : `Frame ${row.number} is not TCP: there is no stream to follow.`;
    } catch (e) {
      followMessage.value = describeCallError('Following the TCP stream', e);
    } finally {
      busy.value = null;
    }
  }

  async function loadExpert(): Promise<void> {
    const a = api.value;
    if (!a) return;
    busy.value = 'Reading expert information';
    try {
      expert.value = await a.expertSummary();
    } catch (e) {
      error.value = describeCallError('Reading expert information', e);
    } finally {
      busy.value = null;
    }
  }

  /** A pcapng of all frames, the displayed ones, or the chosen capture points; null on failure. */
  async function exportCapture(what: 'all' | 'displayed' | 'points'): Promise<{ bytes: Uint8Array; frames: number } | null> {
    const a = api.value;
    if (!a) return null;
    busy.value = 'Exporting';
    try {
      const selection =
        what === 'all' ? {} : what === 'displayed' ? { ...(appliedFilter.value ? { filter: appliedFilter.value } : {}), ...(points.value ? { points: [...points.value] } : {}) } : { points: [...(points.value ?? [])] };
      const r = await a.exportSelection(selection);
      if (!r.ok) {
        error.value = `Export: ${r.error.message}`;
        return null;
      }
      return { bytes: r.bytes, frames: r.frames };
    } catch (e) {
      error.value = describeCallError('Exporting the capture', e);
      return null;
    } finally {
      busy.value = null;
    }
  }

  return {
    // list
    info, total, version, appliedFilter, points, sort, sortError, timeFormat, colorize, error, loading, filtering,
    rowAt, reload, setPoints, sortBy,
    // filter bar
    filterText, filterState, filterError, history, completion, editFilter, applyFilter, escapeFilter,
    // selection
    selectedIndex, selectedRow, detail, selectedNode, expanded, activeSource, lens, highlight,
    select, goToFrame, jumpToFrame, selectNode, selectByte, toggle,
    // panels
    follow, followMessage, expert, busy, followStream, loadExpert, exportCapture,
  };
});
