/** The remembered window: read back only when plausible and on a display that is still there. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE, isVisible, loadWindowState, MIN_HEIGHT, MIN_WIDTH, parseWindowState, saveWindowState, stateToSave,
} from '../../../main/electron/window-state.ts';

const laptop = { x: 0, y: 0, width: 1920, height: 1040 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('parseWindowState', () => {
  it('gives the default for no file, bad JSON or the wrong shape', () => {
    for (const text of [undefined, '', '{', 'null', '42', '"x"']) expect(parseWindowState(text, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('restores bounds and maximized when they are on a display', () => {
    const text = JSON.stringify({ x: 100, y: 50, width: 1400, height: 900, maximized: true });
    expect(parseWindowState(text, [laptop])).toEqual({ x: 100, y: 50, width: 1400, height: 900, maximized: true });
  });

  it('keeps the size but drops the position of a window left on a monitor that is gone', () => {
    const text = JSON.stringify({ x: 2200, y: 100, width: 1400, height: 900, maximized: false });
    expect(parseWindowState(text, [laptop, rightMonitor])).toMatchObject({ x: 2200, y: 100 });
    expect(parseWindowState(text, [laptop])).toEqual({ width: 1400, height: 900, maximized: false });
  });

  it('drops a position whose title bar is above the screen', () => {
    expect(parseWindowState(JSON.stringify({ x: 10, y: -500, width: 1000, height: 700 }), [laptop])).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('clamps sizes to the minimum and to the largest display, and ignores junk fields', () => {
    expect(parseWindowState(JSON.stringify({ width: 10, height: -3 }), [laptop])).toEqual({ width: MIN_WIDTH, height: MIN_HEIGHT, maximized: false });
    expect(parseWindowState(JSON.stringify({ width: 99999, height: 99999, maximized: 'yes' }), [laptop, rightMonitor])).toEqual({ width: 2560, height: 1400, maximized: false });
    expect(parseWindowState(JSON.stringify({ width: 'wide', height: null, x: NaN }), [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  });
});

it('isVisible wants a grabbable strip of the title bar on some work area', () => {
  expect(isVisible({ x: 0, y: 0, width: 800, height: 600 }, [laptop])).toBe(true);
  expect(isVisible({ x: 1900, y: 0, width: 800, height: 600 }, [laptop])).toBe(false);
  expect(isVisible({ x: 1800, y: 0, width: 800, height: 600 }, [laptop])).toBe(true);
  expect(isVisible({ x: 0, y: 0, width: 800, height: 600 }, [])).toBe(false);
});

it('saves the normal bounds with the maximized flag and reads them back', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'underlay-ws-')), 'nested', 'window-state.json');
  expect(loadWindowState(file, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  saveWindowState(file, stateToSave({ x: 40, y: 30, width: 1200, height: 780 }, true));
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 40, y: 30, width: 1200, height: 780, maximized: true });
  expect(loadWindowState(file, [laptop])).toEqual({ x: 40, y: 30, width: 1200, height: 780, maximized: true });
  writeFileSync(file, 'garbage');
  expect(loadWindowState(file, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
});
