import { describe, expect, it } from 'vitest';
import { formatSeconds, parseDuration } from '../../../core/service/duration.ts';

describe('durations', () => {
  it.each([
    ['5s', 5e9],
    ['250ms', 250e6],
    ['1.5s', 1.5e9],
    ['20us', 20_000],
    ['20µs', 20_000],
    ['800ns', 800],
    ['2m', 120e9],
    [' 3 ms ', 3e6],
  ])('%s is %d ns', (text, ns) => expect(parseDuration(text)).toBe(ns));

  it.each(['', '5', 's', '-1s', '1e3s', '5 sec', '1.2.3s'])('refuses %j', (text) => expect(parseDuration(text)).toBeNull());

  it('formats seconds with nine decimals', () => {
    expect(formatSeconds(0)).toBe('0.000000000');
    expect(formatSeconds(1_234_567_890)).toBe('1.234567890');
    expect(formatSeconds(42)).toBe('0.000000042');
  });
});
