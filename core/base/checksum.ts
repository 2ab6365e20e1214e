/** The Internet checksum (RFC 1071) in the pieces every IP-family codec needs. */

/** Adds 16-bit big-endian words of `bytes[start, end)` to `sum` (an odd tail is padded with zero). */
export function sumWords(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  // High and low bytes are summed apart (the sum of words is 256·Σhigh + Σlow), eight bytes per
  // turn: no shifts or ors per word, which makes this several times faster on long payloads.
  // Both partial sums stay exact in a double for any input shorter than 2^45 bytes.
  let hi = 0;
  let lo = 0;
  let i = start;
  const stop = end - ((end - start) & 7);
  for (; i < stop; i += 8) {
    hi += bytes[i] + bytes[i + 2] + bytes[i + 4] + bytes[i + 6];
    lo += bytes[i + 1] + bytes[i + 3] + bytes[i + 5] + bytes[i + 7];
  }
  for (; i + 1 < end; i += 2) {
    hi += bytes[i];
    lo += bytes[i + 1];
  }
  if (i < end) hi += bytes[i];
  return sum + hi * 256 + lo;
}

/** Folds a running sum to 16 bits and complements it. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(sumWords(bytes, start, end));
}

/** Sum of the IPv4 pseudo-header used by UDP and TCP. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}
