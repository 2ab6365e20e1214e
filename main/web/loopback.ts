/**
 * Browser mode listens on loopback only (DESIGN.md §7). The bind address is checked before
 * listening, and the Host header of every request is checked too: a page on an attacker's domain
 * that re-resolves its name to 127.0.0.1 (DNS rebinding) sends its own name as Host, not ours.
 */
import { isIP } from 'node:net';

/** True for 127.0.0.0/8 and ::1 written as IP literals (names other than localhost are not resolved). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return bare.split('.')[0] === '127';
  if (family === 6) return bare === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(bare) || bare === '::ffff:127.0.0.1';
  return false;
}

/**
 * The address to bind for a requested host: 'localhost' means 127.0.0.1 (never the wildcard, never
 * whatever a hosts file says); anything else must be a loopback literal or it is refused.
 */
export function resolveBindAddress(requested: string | undefined): string {
  const host = requested ?? '127.0.0.1';
  if (host === 'localhost') return '127.0.0.1';
  if (isLoopbackAddress(host)) return host.startsWith('[') ? host.slice(1, -1) : host;
  throw new Error(
    `refusing to listen on ${JSON.stringify(host)}: browser mode binds a loopback address only (127.0.0.1 or ::1), ` +
      'so that no other machine can reach the simulator',
  );
}

/** The Host header values under which this server may be addressed: its own loopback names and port. */
export function allowedHosts(bindAddress: string, port: number): ReadonlySet<string> {
  const hostPart = isIP(bindAddress) === 6 ? `[${bindAddress}]` : bindAddress;
  return new Set([`${hostPart}:${port}`, `localhost:${port}`]);
}
