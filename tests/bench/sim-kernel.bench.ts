/**
 * Micro-benchmarks of the simulation kernel (core/sim), printing the median of 5 timed runs after
 * one warm-up run:
 *
 *  1. bare scheduler, "hold" model: N pending events (64, 1,000, 100,000); each executed event
 *     schedules one more at a pseudo-random delay (the classic priority-queue hold benchmark) —
 *     events/s. 64 is about what the link chain below keeps pending;
 *  2. bare scheduler, batch: schedule 1,000,000 events at random times, then run them all;
 *  3. link chain: 4 parallel chains of 8 links (10 Gb/s, 1 µs, 1000-byte frames every 1 µs per
 *     chain, forwarded hop by hop by trivial devices) — link hops/s, i.e. frames that finished
 *     crossing a link, the figure ns-3's leafspine benchmark calls packet-hops (PhyRxEnd).
 *
 * Run: `npx tsx tests/bench/sim-kernel.bench.ts` (add `--quick` for a short smoke run).
 * Ends with one `BENCH …` line per target, as DESIGN.md §9 asks.
 */
import { performance } from 'node:perf_hooks';
import { Rng } from '../../core/base/rng.ts';
import { Link } from '../../core/sim/link.ts';
import { PacketPool } from '../../core/sim/packet-pool.ts';
import type { SimPacket } from '../../core/sim/packet.ts';
import type { Port, PortReceiver } from '../../core/sim/port.ts';
import { type EventHandler, Simulator } from '../../core/sim/simulator.ts';

const quick = process.argv.includes('--quick');
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** CPU time of this process in ms: less disturbed than wall time when the machine is shared. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Sample {
  count: number;
  wallMs: number;
  cpuMs: number;
}

/** Runs `once` after a warm-up, RUNS times; prints and returns the median rate by wall time. */
function measure(label: string, unit: string, once: () => Sample): number {
  once(); // warm-up: let the JIT settle before timing
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = once();
    wall.push(s.count / (s.wallMs / 1000));
    cpu.push(s.count / (s.cpuMs / 1000));
  }
  const m = median(wall);
  const fmt = (r: number) => `${(r / 1e6).toFixed(2)}M`;
  console.log(`${label.padEnd(46)} median ${fmt(m)} ${unit} (cpu-time median ${fmt(median(cpu))})   runs: ${wall.map(fmt).join(' ')}`);
  return m;
}

/** Times `body` by wall clock and CPU clock. */
function timed(body: () => number): Sample {
  const w0 = performance.now();
  const c0 = cpuMs();
  const count = body();
  return { count, wallMs: performance.now() - w0, cpuMs: cpuMs() - c0 };
}

// --- 1. hold model -------------------------------------------------------------------------------

const DELAYS = (() => {
  const rng = Rng.stream(42, 'bench:delays');
  return Int32Array.from({ length: 4096 }, () => rng.int(1, 10_000));
})();

class Holder implements EventHandler<number> {
  constructor(
    private readonly sim: Simulator,
    private i: number,
  ) {}
  handleEvent(kind: number, payload: number): void {
    this.i = (this.i + 1) & 4095;
    this.sim.schedule(DELAYS[this.i], this, kind, payload + 1);
  }
}

function holdRun(pending: number, events: number): Sample {
  const sim = new Simulator({ eventLimit: events });
  for (let i = 0; i < pending; i++) {
    const h = new Holder(sim, (i * 7) & 4095); // each holder walks the delay table from its own offset
    sim.schedule(DELAYS[i & 4095], h, 0, 0);
  }
  return timed(() => {
    sim.run();
    return sim.executedEvents;
  });
}

// --- 2. batch ------------------------------------------------------------------------------------

const NOOP: EventHandler<unknown> = { handleEvent() {} };

function batchRun(n: number): Sample {
  const sim = new Simulator();
  const times = (() => {
    const rng = Rng.stream(7, 'bench:batch');
    return Float64Array.from({ length: n }, () => rng.int(0, 1_000_000_000));
  })();
  return timed(() => {
    for (let i = 0; i < n; i++) sim.schedule(times[i], NOOP, 0, null);
    sim.run();
    return sim.executedEvents;
  });
}

// --- 3. link chain -------------------------------------------------------------------------------

/** Forwards whatever arrives on `in` out of `out`; the sink end releases. */
class Forwarder implements PortReceiver {
  out: Port | null = null;
  received = 0;
  receive(p: SimPacket): void {
    if (this.out === null) {
      this.received++;
      p.release();
    } else this.out.send(p);
  }
}

class Source implements EventHandler<undefined> {
  sent = 0;
  constructor(
    private readonly sim: Simulator,
    private readonly pool: PacketPool,
    private readonly port: Port,
    private readonly count: number,
    private readonly intervalNs: number,
    private readonly size: number,
  ) {}
  handleEvent(): void {
    const p = this.pool.alloc(this.size);
    p.traceId = ++this.sent;
    this.port.send(p);
    if (this.sent < this.count) this.sim.schedule(this.intervalNs, this, 0);
  }
}

function chainRun(chains: number, hopsPerChain: number, packets: number): Sample {
  const sim = new Simulator({ seed: 1 });
  const pool = new PacketPool();
  const links: Link[] = [];
  const sinks: Forwarder[] = [];
  for (let c = 0; c < chains; c++) {
    let prev: Forwarder | null = null;
    let first: Port | null = null;
    for (let h = 0; h < hopsPerChain; h++) {
      const link = new Link(sim, { name: `c${c}l${h}` });
      links.push(link);
      if (prev === null) first = link.a;
      else prev.out = link.a;
      const dev = new Forwarder();
      link.b.attach(dev);
      prev = dev;
    }
    sinks.push(prev!);
    sim.schedule(c * 100, new Source(sim, pool, first!, packets, 1_000, 1000), 0);
  }
  const sample = timed(() => {
    sim.run();
    let hops = 0;
    for (const l of links) hops += l.aToB.counters.rxPackets;
    return hops;
  });
  const delivered = sinks.reduce((n, s) => n + s.received, 0);
  if (delivered !== chains * packets || pool.liveCount !== 0) throw new Error(`chain benchmark lost packets: ${delivered}, live ${pool.liveCount}`);
  return sample;
}

// --- main ----------------------------------------------------------------------------------------

const scale = quick ? 0.1 : 1;
console.log(`sim-kernel benchmark, node ${process.version}, median of ${RUNS} runs after a warm-up (wall time; cpu time in brackets)`);
const hold64 = measure('scheduler hold, 64 pending (schedule+execute)', 'events/s', () => holdRun(64, 5_000_000 * scale));
const hold1k = measure('scheduler hold, 1,000 pending', 'events/s', () => holdRun(1_000, 5_000_000 * scale));
measure('scheduler hold, 100,000 pending', 'events/s', () => holdRun(100_000, 2_000_000 * scale));
measure('scheduler batch (1M scheduled, then run)', 'events/s', () => batchRun(1_000_000 * scale));
const chain = measure('link chain (4 x 8 hops, 1000 B, 10G/1us)', 'hops/s', () => chainRun(4, 8, 125_000 * scale));

const line = (name: string, value: number, unit: string, target: number) =>
  console.log(`BENCH ${name} ours=${(value / 1e6).toFixed(2)}M${unit} peer=- ratio=- target=>=${target / 1e6}M${unit} ${value >= target ? 'PASS' : 'FAIL'}`);
line('sim-kernel-events-64', hold64, 'events/s', 10e6);
line('sim-kernel-events-1k', hold1k, 'events/s', 10e6);
line('sim-kernel-link-hops', chain, 'hops/s', 3e6);
