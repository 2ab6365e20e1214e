import { describe, expect, it } from 'vitest';
import { transferListOf } from '../../../core/rpc/transfer.ts';

describe('transferListOf', () => {
  it('lists whole-buffer views once, and skips views into larger buffers and empty ones', () => {
    const whole = new Uint8Array(8);
    const arena = new Uint8Array(64);
    const shared = new Uint8Array(new SharedArrayBuffer(8));
    expect(transferListOf([whole, whole, arena.subarray(0, 8), arena.subarray(8), new Uint8Array(0), shared])).toEqual([whole.buffer]);
  });
});
