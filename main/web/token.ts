/**
 * The per-launch secret of browser mode. Anyone on the machine can reach 127.0.0.1, so the loopback
 * bind alone does not make the server private: the token in the URL the user opens does. It is
 * new on every launch (nothing to steal from disk) and compared in constant time, so a local
 * process cannot recover it byte by byte from response timings.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes as base64url: URL-safe, no padding, 43 characters. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * True when `candidate` equals `token`. Both sides are hashed first: timingSafeEqual needs equal
 * lengths, and comparing digests hides the token's length as well as its content.
 */
export function tokenMatches(token: string, candidate: string | null | undefined): boolean {
  if (typeof candidate !== 'string' || candidate.length === 0) return false;
  const a = createHash('sha256').update(token).digest();
  const b = createHash('sha256').update(candidate).digest();
  return timingSafeEqual(a, b);
}
