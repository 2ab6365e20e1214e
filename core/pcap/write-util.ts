/** Helpers the writers share: UTF-8 straight into the output buffer, and 64-bit nanosecond counts. */

const encoder = new TextEncoder();

/** The longest option value: its length field is 16 bits. */
export const MAX_OPTION_LENGTH = 0xffff;

/**
 * Writes `s` as UTF-8 at `buf[at]`, at most `max` (and at most 65535) bytes, never splitting a
 * character: a longer text is cut at a character boundary. Returns the bytes written. The caller
 * must have room for min(max, 65535) bytes.
 */
export function writeText(s: string, buf: Uint8Array, at: number, max: number): number {
  const n = s.length;
  if (n === 0 || max <= 0) return 0;
  const limit = max < MAX_OPTION_LENGTH ? max : MAX_OPTION_LENGTH;
  if (n <= 24 && n <= limit) {
    // short ASCII text: a plain loop beats the encoder's call overhead
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    if (i === n) return n;
  }
  return encoder.encodeInto(s, buf.subarray(at, at + limit)).written;
}

/**
 * Writes `s` at `buf[at]` if it is all ASCII (one byte a character), returning its length; -1,
 * with some bytes written, at the first other character. The caller has room for s.length bytes.
 */
export function writeAscii(s: string, buf: Uint8Array, at: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[at + i] = c;
  }
  return n;
}

/** Worst-case bytes of a text option (header, value, padding); 0 for an absent one. */
export function textSpace(s: string | undefined): number {
  if (s === undefined) return 0;
  const max = s.length * 3 < MAX_OPTION_LENGTH ? s.length * 3 : MAX_OPTION_LENGTH;
  return 4 + ((max + 3) & ~3);
}

/**
 * Splits sec * 1e9 + nsec into 32-bit words without leaving exact double arithmetic (the count
 * passes 2^53 after 104 days): seconds are split at 2^16 so every partial product stays below 2^47.
 */
export function splitNanos(tsSec: number, tsNsec: number, out: { hi: number; lo: number }): void {
  // x - floor(x / 2^16) * 2^16 is x % 2^16 for these non-negative integers, without a float modulo
  const secHi = Math.floor(tsSec / 0x10000);
  const secLo = tsSec - secHi * 0x10000;
  const high = secHi * 1e9; // units of 2^16 ns, < 2^48 for any u64 count
  const highHi = Math.floor(high / 0x10000);
  const highLo = high - highHi * 0x10000;
  const acc = highLo * 0x10000 + secLo * 1e9 + tsNsec; // < 2^47
  const carry = Math.floor(acc / 4294967296);
  out.hi = highHi + carry;
  out.lo = acc - carry * 4294967296;
}

/**
 * UTF-8 of `s` into `scratch` (at most its length, never splitting a character), for writers that
 * then move the bytes with copyWithin: no view is made per call. Returns the bytes written.
 */
export function encodeText(s: string, scratch: Uint8Array): number {
  return encoder.encodeInto(s, scratch).written;
}
