/**
 * npm run bench:packet — the packet layer against tshark, in the same run, on the same file.
 *
 * 1. pcapng write throughput: 1,000,000 fabric frames (with a comment each) streamed to a file.
 * 2. read+filter: five display filters over the generated 1,000,000-frame capture, ours (each pass
 *    in a child process, median of 3) against `tshark -r FILE -Y FILTER -T fields -e frame.number`;
 *    the matching frames must agree, then frames/s are compared.
 * 3. peak memory of our filtering passes against the file's size.
 * Ends with one BENCH line per target. Options: --frames N (default 1,000,000), --runs N (default 3).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapngWriter } from '../../core/pcap/pcapng-writer.ts';
import { generateFabricTraffic, writeFabricCapture } from './support/fabric-traffic.ts';
import { benchLine, median } from './support/bench-line.ts';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const FRAMES = opt('--frames', 1_000_000);
const RUNS = opt('--runs', 3);
const SEED = 42;
const FILTERS = [
  'ip.addr == 10.1.0.5',
  'tcp.flags.syn == 1 && geneve.vni == 5',
  'udp.port == 53',
  'frame.len > 150',
  'geneve && icmp',
];

const dir = join(tmpdir(), 'underlay-bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `fabric-${FRAMES}.pcapng`);
const out = (s: string) => process.stdout.write(s + '\n');

out(`# underlay bench:packet — ${FRAMES.toLocaleString('en')} frames, seed ${SEED}`);
out(`# ${spawnSync('tshark', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}; node ${process.version}; load ${loadavg()}`);

// ---- 1. write throughput: frames are generated first, then only the writer is timed ----
const frames: { bytes: Uint8Array; tsSec: number; tsNsec: number; comment: string | undefined; iface: number }[] = [];
generateFabricTraffic(FRAMES, SEED, (bytes, _linkType, tsSec, tsNsec, comment, iface) => {
  frames.push({ bytes: bytes.slice(), tsSec, tsNsec, comment, iface: iface ?? 0 });
});
const interfaces = frames.reduce((n, f) => Math.max(n, f.iface + 1), 0);
const writeRates: number[] = [];
let writtenBytes = 0;
const probe = join(dir, 'write-probe.pcapng');
for (let run = 0; run < RUNS; run++) {
  // A new file per run, as a capture is written: truncating the last run's file instead makes
  // ext4 (auto_da_alloc) flush the whole file on close, which times the disk, not the writer.
  rmSync(probe, { force: true });
  const fd = openSync(probe, 'w');
  const start = process.hrtime.bigint();
  const w = new PcapngWriter((chunk) => {
    writeSync(fd, chunk);
  }, { application: 'underlay bench' });
  for (let i = 0; i < interfaces; i++) w.addInterface({ linkType: 1, name: `port${i}` });
  // One options object, its comment replaced per frame (the writer reads it during the call).
  const comments: string[] = [''];
  const withComment = { comments, flags: 2 };
  for (const f of frames) {
    if (f.comment !== undefined) comments[0] = f.comment;
    w.writePacket(f.iface, f.tsSec, f.tsNsec, f.bytes, f.comment !== undefined ? withComment : undefined);
  }
  w.close();
  closeSync(fd);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  writtenBytes = w.bytesWritten;
  writeRates.push(writtenBytes / seconds / 1e6);
}
frames.length = 0;
rmSync(probe, { force: true });
const writeMBs = median(writeRates);
out(`pcapng write: ${(writtenBytes / 1e6).toFixed(1)} MB per run, ${writeRates.map((r) => r.toFixed(0)).join(' / ')} MB/s, median ${writeMBs.toFixed(0)} MB/s`);

// ---- 2. the capture both tools read ----
writeFabricCapture(file, FRAMES, SEED);
const fileSize = statSync(file).size;
out(`capture: ${file} (${(fileSize / 1e6).toFixed(1)} MB)`);

// ---- 3. read + filter, ours against tshark ----
let oursSeconds = 0;
let peerSeconds = 0;
let peakRss = 0;
let agree = true;
for (const filter of FILTERS) {
  const passes = [];
  for (let run = 0; run < RUNS; run++) passes.push(ourPass(filter));
  const t = median(passes.map((p) => p.seconds));
  peakRss = Math.max(peakRss, ...passes.map((p) => p.maxRssBytes));
  const peer = tsharkPass(filter);
  const same = peer.matched === passes[0].matched && peer.hash === passes[0].hash;
  agree &&= same;
  oursSeconds += t;
  peerSeconds += peer.seconds;
  out(`filter ${JSON.stringify(filter)}: ${passes[0].matched} frames match (tshark ${peer.matched}${same ? ', same frames' : ', DIFFERENT FRAMES'}); ours ${rate(FRAMES / t)} frames/s (median of ${RUNS}), tshark ${rate(FRAMES / peer.seconds)} frames/s, ratio ${(peer.seconds / t).toFixed(1)}`);
}
const oursRate = (FRAMES * FILTERS.length) / oursSeconds;
const peerRate = (FRAMES * FILTERS.length) / peerSeconds;
const ratio = oursRate / peerRate;
out(`read+filter over all five filters: ours ${rate(oursRate)} frames/s, tshark ${rate(peerRate)} frames/s; results ${agree ? 'agree' : 'DISAGREE'}`);
out(`peak memory while filtering: ${(peakRss / 1e6).toFixed(0)} MB for a ${(fileSize / 1e6).toFixed(0)} MB file (${(peakRss / fileSize).toFixed(2)}×)`);

out(benchLine('packet.filter', `${rate(oursRate)}fps`, `${rate(peerRate)}fps`, ratio, 'ratio>=20', ratio >= 20 && agree));
out(benchLine('packet.write', `${writeMBs.toFixed(0)}MB/s`, null, null, 'ours>=500MB/s', writeMBs >= 500));
out(benchLine('packet.filter_memory', `${(peakRss / 1e6).toFixed(0)}MB`, null, peakRss / fileSize, 'ratio<=1.5(of file size)', peakRss <= 1.5 * fileSize));

function ourPass(filter: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'filter-pass.ts'), file, filter], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`our filter pass failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { matched: number; hash: number; seconds: number; maxRssBytes: number };
}

function tsharkPass(filter: string) {
  const start = process.hrtime.bigint();
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  let matched = 0;
  let hash = 0;
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    matched++;
    hash = (Math.imul(hash, 31) + Number(line)) | 0;
  }
  return { matched, hash, seconds };
}

function rate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`;
}

function loadavg(): string {
  return spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).join(' ');
}
