/**
 * The window's size, place and maximized state between launches, in window-state.json in userData.
 * What is read back is checked: a bounds rectangle from a monitor that is no longer attached would
 * put the window off screen, so it is kept only when enough of it lies on a display's work area;
 * otherwise the size is kept and Electron centres the window.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  readonly width: number;
  readonly height: number;
  /** Absent: let Electron centre the window. */
  readonly x?: number;
  readonly y?: number;
  readonly maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };
export const MIN_WIDTH = 800;
export const MIN_HEIGHT = 560;
/** How much of the title bar area must be on a display for the saved position to count. */
const VISIBLE_MIN = 64;

/** Parses the file's text; anything unreadable or implausible gives the default. */
export function parseWindowState(text: string | undefined, workAreas: readonly Rect[]): WindowState {
  if (text === undefined) return DEFAULT_WINDOW_STATE;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
  if (typeof raw !== 'object' || raw === null) return DEFAULT_WINDOW_STATE;
  const r = raw as Record<string, unknown>;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);
  const largest = workAreas.reduce((m, a) => ({ width: Math.max(m.width, a.width), height: Math.max(m.height, a.height) }), { width: 0, height: 0 });
  const clampSize = (v: number | undefined, min: number, fallback: number, max: number) =>
    v === undefined ? fallback : Math.max(min, max > 0 ? Math.min(v, max) : v);
  const width = clampSize(num(r.width), MIN_WIDTH, DEFAULT_WINDOW_STATE.width, largest.width);
  const height = clampSize(num(r.height), MIN_HEIGHT, DEFAULT_WINDOW_STATE.height, largest.height);
  const maximized = r.maximized === true;
  const x = num(r.x);
  const y = num(r.y);
  if (x !== undefined && y !== undefined && isVisible({ x, y, width, height }, workAreas)) return { x, y, width, height, maximized };
  return { width, height, maximized };
}

/** True when the top strip of `bounds` (where the title bar is) overlaps some work area enough to grab. */
export function isVisible(bounds: Rect, workAreas: readonly Rect[]): boolean {
  const strip = { x: bounds.x, y: bounds.y, width: bounds.width, height: Math.min(bounds.height, VISIBLE_MIN) };
  return workAreas.some((a) => {
    const w = Math.min(strip.x + strip.width, a.x + a.width) - Math.max(strip.x, a.x);
    const h = Math.min(strip.y + strip.height, a.y + a.height) - Math.max(strip.y, a.y);
    return w >= VISIBLE_MIN && h >= Math.min(VISIBLE_MIN, strip.height) / 2;
  });
}

/** What to save: the normal (unmaximized) bounds, so un-maximizing next time restores them. */
export function stateToSave(normalBounds: Rect, maximized: boolean): WindowState {
  return { x: normalBounds.x, y: normalBounds.y, width: normalBounds.width, height: normalBounds.height, maximized };
}

export function loadWindowState(file: string, workAreas: readonly Rect[]): WindowState {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  return parseWindowState(text, workAreas);
}

/** Writes through a temporary file and a rename, so a crash mid-write never leaves half a file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
}
