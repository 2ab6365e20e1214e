/** Small non-cryptographic hashing pieces shared by random streams, ECMP and flow hashing. */

/** MurmurHash3's 32-bit finalizer: a bijection with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a's offset basis and one step (xor then multiply by the 32-bit FNV prime). */
export const FNV_OFFSET = 0x811c9dc5;

export function fnvStep(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193);
}
