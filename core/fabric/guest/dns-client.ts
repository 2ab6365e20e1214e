/**
 * The guest's stub resolver, as glibc's `getaddrinfo` behaves with the resolv.conf an EC2 instance
 * gets (`nameserver <VPC base + 2>`, default options):
 *
 * - dotted-quad literals need no lookup; `localhost` is 127.0.0.1 (/etc/hosts);
 * - otherwise one A query over UDP from a fresh ephemeral port to the resolver's port 53, with a
 *   random id; no answer within 5 s (`timeout:5`) ⇒ the same query again, 2 attempts in all
 *   (`attempts:2`), then "Temporary failure in name resolution";
 * - NXDOMAIN ⇒ "Name or service not known"; NOERROR without an A record ⇒ "No address associated
 *   with hostname"; SERVFAIL/REFUSED or an ICMP error ⇒ the next attempt at once;
 * - the first A record of the answer section is used (CNAME chains are followed by the resolver).
 *
 * Not modelled: the parallel AAAA query glibc sends for AF_UNSPEC lookups, search domains, caching.
 */
import { type Ipv4, parseIpv4 } from '../../base/addr.ts';
import { type Disposable, toDisposable } from '../../base/event.ts';
import type { Rng } from '../../base/rng.ts';
import type { EventId } from '../../sim/simulator.ts';
import { DNS_HEADER_LEN, DNS_PORT, DnsRcode, DnsRepr, DnsType, DnsView, DnsViewMut, dnsNameLabels, dnsQuery } from '../../wire/dns.ts';
import { DNS_ATTEMPTS, DNS_TIMEOUT_NS } from './constants.ts';
import type { Guest, UdpBinding } from './guest.ts';

export type ResolveError = 'nxdomain' | 'nodata' | 'timeout' | 'servfail' | 'invalid';

export type ResolveResult = { readonly ok: true; readonly ip: Ipv4 } | { readonly ok: false; readonly error: ResolveError };

/** glibc's `gai_strerror` text for a failed lookup. */
export function resolveErrorText(error: ResolveError): string {
  switch (error) {
    case 'nxdomain':
    case 'invalid':
      return 'Name or service not known';
    case 'nodata':
      return 'No address associated with hostname';
    default:
      return 'Temporary failure in name resolution';
  }
}

export class DnsClient {
  /** Queries sent (attempts included), answers accepted. */
  readonly stats = { queries: 0, answers: 0 };

  constructor(
    private readonly guest: Guest,
    private readonly rng: Rng,
  ) {}

  /**
   * Resolves `name` to an IPv4 address. Literals and `localhost` answer synchronously; lookups
   * answer from the simulator. Disposing the result abandons the lookup (no callback).
   */
  resolve(name: string, done: (result: ResolveResult) => void): Disposable {
    const literal = parseIpv4(name);
    if (literal !== null) {
      done({ ok: true, ip: literal });
      return toDisposable(() => {});
    }
    const host = name.endsWith('.') ? name.slice(0, -1) : name;
    if (host.toLowerCase() === 'localhost') {
      done({ ok: true, ip: 0x7f000001 });
      return toDisposable(() => {});
    }
    if (host === '' || /^[\d.]+$/.test(host) || dnsNameLabels(host) === null) {
      done({ ok: false, error: 'invalid' });
      return toDisposable(() => {});
    }
    return new Lookup(this, this.guest, host, this.rng.int(0, 0x10000), done);
  }
}

class Lookup implements Disposable {
  private attempt = 0;
  private timer: EventId = -1;
  private socket: UdpBinding | null = null;
  private finished = false;
  private readonly query: Uint8Array;

  constructor(
    private readonly client: DnsClient,
    private readonly guest: Guest,
    private readonly name: string,
    private readonly id: number,
    private readonly done: (result: ResolveResult) => void,
  ) {
    const repr = dnsQuery(id, name, DnsType.a);
    this.query = new Uint8Array(DnsRepr.bufferLen(repr));
    DnsRepr.emit(repr, DnsViewMut.over(this.query));
    try {
      this.socket = guest.udpBind(0, (src, srcPort, payload) => this.answer(src, srcPort, payload), () => this.next());
    } catch {
      this.socket = null;
    }
    if (this.socket === null) {
      this.finish({ ok: false, error: 'servfail' });
      return;
    }
    this.send();
  }

  dispose(): void {
    this.finished = true;
    this.cleanup();
  }

  private send(): void {
    this.attempt++;
    this.client.stats.queries++;
    this.guest.sendUdpBytes(this.guest.config.dns, this.socket!.port, DNS_PORT, this.query);
    this.timer = this.guest.sim.call(DNS_TIMEOUT_NS, () => {
      this.timer = -1;
      this.next('timeout');
    });
  }

  /** The current attempt failed: try again, or give up with `why`. */
  private next(why: ResolveError = 'servfail'): void {
    if (this.finished) return;
    if (this.timer >= 0) this.guest.sim.cancel(this.timer);
    this.timer = -1;
    if (this.attempt < DNS_ATTEMPTS) this.send();
    else this.finish({ ok: false, error: why });
  }

  private answer(src: Ipv4, srcPort: number, payload: Uint8Array): void {
    if (this.finished || src !== this.guest.config.dns || srcPort !== DNS_PORT || payload.length < DNS_HEADER_LEN) return;
    const view = DnsView.checked(payload);
    if (!view.ok || view.value.id !== this.id || !view.value.response) return;
    const parsed = DnsRepr.parse(view.value);
    if (!parsed.ok) return;
    const msg = parsed.value;
    const q = msg.questions[0];
    if (msg.questions.length !== 1 || q.name.toLowerCase() !== this.name.toLowerCase() || q.type !== DnsType.a) return;
    this.client.stats.answers++;
    if (msg.rcode === DnsRcode.nxDomain) return this.finish({ ok: false, error: 'nxdomain' });
    if (msg.rcode !== DnsRcode.noError) return this.next('servfail');
    for (const r of msg.answers) if (r.data.kind === 'a') return this.finish({ ok: true, ip: r.data.address });
    this.finish({ ok: false, error: 'nodata' });
  }

  private finish(result: ResolveResult): void {
    if (this.finished) return;
    this.finished = true;
    this.cleanup();
    this.done(result);
  }

  private cleanup(): void {
    if (this.timer >= 0) this.guest.sim.cancel(this.timer);
    this.timer = -1;
    this.socket?.dispose();
    this.socket = null;
  }
}
