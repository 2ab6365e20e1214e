import { describe, expect, it } from 'vitest';
import { CaptureStore } from '../../../../core/fabric/capture/capture-store.ts';
import { frameComment } from '../../../../core/fabric/capture/frame-comment.ts';
import { exportPcapng } from '../../../../core/fabric/capture/pcapng-export.ts';
import { collectingSink } from '../../../../core/pcap/byte-sink.ts';
import { CaptureQuery } from '../../../../core/service/capture-query.ts';
import { tempFile, tshark, tsharkFields, tsharkMatches } from '../../../support/tshark.ts';
import { sharkdMatches } from '../../filter/oracle-support.ts';
import { geneveFrame, udpFrame } from './frames.ts';
import { scenarioStore } from './scenario.ts';

/**
 * tshark is the oracle for the capture export: the file opens cleanly, its interfaces, nanosecond
 * times and comments are what the store holds, and tshark's display filters select the same frames
 * as our CaptureQuery over the store the file came from.
 */

function exportToFile(store: CaptureStore, name: string): string {
  const out = collectingSink();
  exportPcapng(store, out.sink);
  return tempFile(name, out.bytes());
}

const { store } = scenarioStore();
const FILE = exportToFile(store, 'capture-scenario.pcapng');
const query = new CaptureQuery(store);
const frames = Array.from({ length: store.count }, (_, i) => store.frame(i + 1)!);

describe('exported capture, read by tshark', () => {
  it('opens cleanly: exit 0, nothing on stderr, no malformed frame, no expert error', () => {
    const run = tshark(['-r', FILE]);
    expect(run.status).toBe(0);
    expect(run.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('Running as user'))).toEqual([]);
    expect(run.stdout.trim().split('\n').length).toBe(frames.length);
    expect(tsharkMatches(FILE, '_ws.malformed')).toEqual([]);
    expect(tsharkMatches(FILE, '_ws.expert.severity == "Error"')).toEqual([]);
  });

  it('names each frame\'s interface after its capture point', () => {
    const rows = tsharkFields(FILE, ['frame.interface_name', 'frame.interface_description']);
    expect(rows).toEqual(frames.map((f) => {
      const p = store.point(f.pointId);
      return [p.name, p.description ?? ''];
    }));
  });

  it('keeps nanosecond timestamps and the direction flags', () => {
    const rows = tsharkFields(FILE, ['frame.time_epoch', 'frame.packet_flags_direction']);
    expect(rows).toEqual(frames.map((f) => {
      const sec = Math.floor(f.timeNs / 1e9);
      return [`${sec}.${String(f.timeNs - sec * 1e9).padStart(9, '0')}`, f.direction === 'in' ? '0x00000001' : '0x00000002'];
    }));
    expect(tshark(['-r', FILE, '-T', 'fields', '-e', 'frame.time_epoch', '-c', '1']).stdout.trim()).toBe('1.000000123');
  });

  it('shows the fabric\'s verdict as frame.comment', () => {
    const rows = tsharkFields(FILE, ['frame.comment']);
    expect(rows.map((r) => r[0])).toEqual(frames.map((f) => frameComment(f.traceId, f.hop, f.verdict, f.reason, f.rule)));
    expect(rows[7][0]).toBe('trace=2 hop=3 verdict=drop reason=SG_INGRESS_DENY rule="no inbound rule allows icmp from \\"web\\" 10.0.1.10"');
  });

  it('selects the same frames with display filters as our CaptureQuery', () => {
    const filters = [
      'frame.comment contains "drop"',
      'frame.comment contains "SG_INGRESS_DENY"',
      'frame.comment contains "verdict=deliver"',
      'frame.comment contains "trace=1 "',
      'frame.comment matches "hop=[12] "',
      'frame.comment matches "rule=\\".*web"',
      'frame.interface_name == "tor-a/p1"',
      'frame.interface_description contains "decapsulated"',
      'frame.packet_flags_direction == 1',
      'frame.time_relative > 1',
      'frame.len > 150',
      'geneve',
      'geneve.vni == 7',
      'geneve && icmp',
      'icmp && !geneve',
      'udp.dstport == 48001',
      'ip.dst == 10.0.9.9',
    ];
    // tshark -Y for the filters the capture view leans on, sharkd (one process) for the rest
    for (const filter of filters.slice(0, 2)) {
      const ours = query.filter(filter);
      expect(ours.ok && ours.frames, filter).toEqual(tsharkMatches(FILE, filter));
    }
    expect(tsharkMatches(FILE, 'frame.comment contains "drop"')).toEqual([8, 9, 10]);
    const theirs = sharkdMatches(FILE, filters);
    filters.forEach((filter, i) => {
      const ours = query.filter(filter);
      expect(ours.ok && ours.frames, filter).toEqual('frames' in theirs[i] ? theirs[i].frames : theirs[i]);
    });
  });

  it('has the same packet-list columns as tshark -2 (Time, Source, Destination, Protocol, Length, Info)', () => {
    // Rows are a second pass, as in Wireshark's packet list: "(no response found!)" is known then.
    const columns = ['frame.number', '_ws.col.Time', '_ws.col.Source', '_ws.col.Destination', '_ws.col.Protocol', 'frame.len', '_ws.col.Info'];
    const theirs = tsharkFields(FILE, columns, undefined, ['-2']);
    expect(theirs[7][6]).toBe('Echo (ping) request  id=0x0077, seq=1/256, ttl=64 (no response found!)');
    const ours = query.page(0, 100).rows.map((r) => [String(r.number), r.time, r.source, r.destination, r.protocol, String(r.length), r.info]);
    expect(ours).toEqual(theirs);
  });

  it('keeps the original length of snapped frames, and cuts Geneve frames cleanly', () => {
    const snapped = new CaptureStore({ snaplen: 96 });
    const p = snapped.addPoint({ name: 'spine-2/p1', description: 'snapped', kind: 'spine' });
    const inner = udpFrame('10.1.0.5', '10.2.0.6', 5000, 48002, 600);
    snapped.record(p, 5, geneveFrame(inner, '192.168.1.1', '192.168.2.2', 9), 1, 2, 'forward', null, 'in', null);
    snapped.record(p, 9, inner, 2, 2, 'forward', null, 'out', null);
    const file = exportToFile(snapped, 'capture-snapped.pcapng');
    expect(tsharkFields(file, ['frame.len', 'frame.cap_len', 'geneve.vni'])).toEqual([
      [String(inner.length + 82), '96', '0x000009'], // outer Ethernet/IPv4/UDP 42 + Geneve 8 + options 32
      [String(inner.length), '96', ''],
    ]);
    expect(tshark(['-r', file]).status).toBe(0);
  });
});
