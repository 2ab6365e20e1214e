import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../core/base/bytes.ts';
import { collectingSink } from '../../../core/pcap/byte-sink.ts';
import { PcapWriter } from '../../../core/pcap/pcap-writer.ts';
import { SecretsType } from '../../../core/pcap/pcapng-format.ts';
import { PcapngWriter } from '../../../core/pcap/pcapng-writer.ts';
import { splitNanos } from '../../../core/pcap/write-util.ts';
import { readCapture } from '../../../core/pcap/capture-reader.ts';
import { hex } from './blocks.ts';

const h = (s: string) => hex(fromHex(s)!);
const DATA = Uint8Array.from([1, 2, 3, 4, 5]);

function pcapng(build: (w: PcapngWriter) => void, section = {}): string {
  const out = collectingSink();
  const w = new PcapngWriter(out.sink, section);
  build(w);
  w.close();
  return hex(out.bytes());
}

const SHB_BARE = '0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000';
const IDB_ETH0 = '01000000 28000000 0100 0000 00000000 0200 0400 65746830 0900 0100 09000000 00000000 28000000';

describe('pcapng writer: byte-exact blocks', () => {
  it('an empty capture is a bare SHB (version 1.0, section length -1, no option list)', () => {
    expect(pcapng(() => {})).toBe(h(SHB_BARE));
  });

  it('SHB options in order hardware, os, userappl, comment, ended by opt_endofopt', () => {
    const got = pcapng(() => {}, { hardware: 'h', os: 'os', application: 'ab', comment: 'c✓' });
    expect(got).toBe(h(`0a0d0d0a 40000000 4d3c2b1a 0100 0000 ffffffffffffffff
      0200 0100 68000000  0300 0200 6f730000  0400 0200 61620000  0100 0400 63e29c93  00000000 40000000`));
  });

  it('IDB: link type, snap length, if_name, if_description, if_tsresol=9, opt_endofopt', () => {
    expect(pcapng((w) => expect(w.addInterface({ linkType: 1, name: 'eth0' })).toBe(0))).toBe(h(SHB_BARE + IDB_ETH0));
    const got = pcapng((w) => {
      w.addInterface({ linkType: 1, name: 'eth0' });
      expect(w.addInterface({ linkType: 101, description: 'raw', snapLen: 9000 })).toBe(1);
    });
    expect(got).toBe(h(`${SHB_BARE} ${IDB_ETH0} 01000000 28000000 6500 0000 28230000 0300 0300 72617700 0900 0100 09000000 00000000 28000000`));
  });

  it('EPB with epb_flags, epb_packetid and two comments (one non-ASCII), data padded with zeros', () => {
    const got = pcapng((w) => {
      w.addInterface({ linkType: 1, name: 'eth0' });
      w.writePacket(0, 1_700_000_000, 123_456_789, DATA, { flags: 1, packetId: 0x1_0000_0002, comments: ['hi', 'é'], originalLength: 9 });
    });
    expect(got).toBe(h(`${SHB_BARE} ${IDB_ETH0}
      06000000 50000000 00000000 fe9c9717 15cd853d 05000000 09000000 0102030405000000
      0200 0400 01000000  0500 0800 02000000 01000000  0100 0200 68690000  0100 0200 c3a90000  00000000
      50000000`));
  });

  it('EPB without options has no option list at all; a 4-byte-aligned packet gets no padding', () => {
    const got = pcapng((w) => {
      w.addInterface({ linkType: 1, name: 'eth0' });
      w.writePacket(0, 0, 1, Uint8Array.from([9, 8, 7, 6]));
      w.writePacket(0, 0, 2, DATA, { comments: [] });
    });
    expect(got).toBe(h(`${SHB_BARE} ${IDB_ETH0}
      06000000 24000000 00000000 00000000 01000000 04000000 04000000 09080706 24000000
      06000000 28000000 00000000 00000000 02000000 05000000 05000000 0102030405000000 28000000`));
  });

  it('NRB: an IPv4 record with zero-terminated names, nrb_record_end, opt_endofopt', () => {
    const got = pcapng((w) => {
      w.addInterface({ linkType: 1, name: 'eth0' });
      w.addNameRecords([{ ipv4: 0x0a000001, names: ['a.b'] }, { ipv4: 0xc0a80101, names: ['x', 'yz'] }]);
    });
    expect(got).toBe(h(`${SHB_BARE} ${IDB_ETH0}
      04000000 30000000  0100 0800 0a000001 612e6200  0100 0900 c0a80101 7800797a 00000000  00000000  00000000 30000000`));
  });

  it('DSB: secrets type, length, data padded', () => {
    const got = pcapng((w) => {
      w.addInterface({ linkType: 1, name: 'eth0' });
      w.addSecrets(SecretsType.tlsKeyLog, Uint8Array.from([0x61, 0x62, 0x0a]));
    });
    expect(got).toBe(h(`${SHB_BARE} ${IDB_ETH0} 0a000000 18000000 4b534c54 03000000 61620a00 18000000`));
  });

  it('keeps SHB → IDB → NRB/DSB order: name records or secrets before an interface are refused', () => {
    const w = new PcapngWriter(collectingSink().sink);
    expect(() => w.addNameRecords([{ ipv4: 1, names: ['a'] }])).toThrow(/must follow the first interface/);
    expect(() => w.addSecrets(SecretsType.tlsKeyLog, new Uint8Array(1))).toThrow(/must follow the first interface/);
    expect(() => w.writePacket(0, 0, 0, DATA)).toThrow(/no interface 0/);
  });

  it('an interface added after packets comes after them (legal pcapng) and gets the next id', () => {
    const out = collectingSink();
    const w = new PcapngWriter(out.sink);
    w.addInterface({ linkType: 1 });
    w.writePacket(0, 0, 0, DATA);
    expect(w.addInterface({ linkType: 101 })).toBe(1);
    w.writePacket(1, 0, 0, DATA);
    w.close();
    const b = out.bytes();
    const types: number[] = [];
    for (let at = 0; at < b.length; at += new DataView(b.buffer).getUint32(at + 4, true)) types.push(new DataView(b.buffer).getUint32(at, true));
    expect(types).toEqual([0x0a0d0d0a, 1, 6, 1, 6]);
  });

  it('refuses to write after close; closing twice is harmless', () => {
    const out = collectingSink();
    const w = new PcapngWriter(out.sink);
    w.addInterface({ linkType: 1 });
    w.close();
    w.close();
    expect(() => w.writePacket(0, 0, 0, DATA)).toThrow(/closed/);
    expect(() => w.addInterface({ linkType: 1 })).toThrow(/closed/);
  });

  it('cuts packets to the interface snap length and keeps the original length', () => {
    const got = pcapng((w) => {
      w.addInterface({ linkType: 1, snapLen: 3 });
      w.writePacket(0, 0, 0, DATA);
    });
    expect(got.endsWith(h('06000000 24000000 00000000 00000000 00000000 03000000 05000000 01020300 24000000'))).toBe(true);
  });

  it('cuts a comment longer than 65535 bytes at a character boundary', () => {
    const out = collectingSink();
    const w = new PcapngWriter(out.sink);
    w.addInterface({ linkType: 1 });
    w.writePacket(0, 0, 0, DATA, { comments: ['é'.repeat(40000)] }); // 80000 bytes of UTF-8
    w.close();
    const b = out.bytes();
    const dv = new DataView(b.buffer);
    const epbAt = 28 + 32; // SHB, IDB without a name
    expect(dv.getUint32(epbAt, true)).toBe(6);
    const optAt = epbAt + 28 + 8;
    expect(dv.getUint16(optAt, true)).toBe(1);
    expect(dv.getUint16(optAt + 2, true)).toBe(65534); // 32767 whole 2-byte characters
    expect(dv.getUint32(epbAt + 4, true)).toBe(32 + 8 + 4 + 65536 + 4);
  });

  it('streams through a bounded buffer: chunks never exceed the chunk size, and bytes equal the one-chunk output', () => {
    const big = collectingSink();
    const small = collectingSink();
    const sizes: number[] = [];
    const a = new PcapngWriter(big.sink, { application: 'x' });
    const b = new PcapngWriter((c) => {
      sizes.push(c.length);
      small.sink(c);
    }, { application: 'x', chunkSize: 4096 });
    for (const w of [a, b]) {
      w.addInterface({ linkType: 1, name: 'eth0' });
      for (let i = 0; i < 500; i++) w.writePacket(0, i, i, new Uint8Array(100 + (i % 7)).fill(i & 0xff), { comments: [`#${i}`] });
      w.close();
    }
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
    expect(hex(small.bytes())).toBe(hex(big.bytes()));
    expect(b.bytesWritten).toBe(small.bytes().length);
  });

  it('grows the buffer for a packet larger than the chunk size', () => {
    const out = collectingSink();
    const w = new PcapngWriter(out.sink, { chunkSize: 4096 });
    w.addInterface({ linkType: 1 });
    w.writePacket(0, 0, 0, new Uint8Array(10000).fill(7));
    w.close();
    expect(out.bytes().length).toBe(28 + 32 + 32 + 10000);
  });
});

describe('64-bit nanosecond timestamps', () => {
  const cases: Array<[number, number]> = [
    [0, 0], [0, 999_999_999], [1, 0], [1_700_000_000, 123_456_789], [1_700_000_000, 1000],
    [4_294_967_295, 999_999_999], [0xffff, 999_999_999], [0x10000, 0], [12_345_678_901, 5], [18_446_744_072, 709_551_615],
  ];
  it.each(cases)('splits %d s + %d ns into exact 32-bit words', (sec, ns) => {
    const out = { hi: -1, lo: -1 };
    splitNanos(sec, ns, out);
    const v = BigInt(sec) * 1_000_000_000n + BigInt(ns);
    expect([out.hi, out.lo]).toEqual([Number(v >> 32n), Number(v & 0xffffffffn)]);
  });
});

describe('classic pcap writer: byte-exact', () => {
  function pcap(options: ConstructorParameters<typeof PcapWriter>[1], build: (w: PcapWriter) => void): string {
    const out = collectingSink();
    const w = new PcapWriter(out.sink, options);
    build(w);
    w.close();
    return hex(out.bytes());
  }

  it('little-endian nanosecond file: magic 4d3cb2a1, version 2.4, snaplen 262144, no padding', () => {
    expect(pcap({ linkType: 1 }, (w) => w.writePacket(1_700_000_000, 123_456_789, DATA))).toBe(h(`
      4d3cb2a1 0200 0400 00000000 00000000 00000400 01000000
      00f15365 15cd5b07 05000000 05000000 0102030405`));
  });

  it('little-endian microsecond file: magic d4c3b2a1, nanoseconds truncated to µs', () => {
    expect(pcap({ linkType: 101, resolution: 'us' }, (w) => w.writePacket(1_700_000_000, 123_456_789, DATA, 60))).toBe(h(`
      d4c3b2a1 0200 0400 00000000 00000000 00000400 65000000
      00f15365 40e20100 05000000 3c000000 0102030405`));
  });

  it('big-endian files in both resolutions', () => {
    expect(pcap({ linkType: 1, byteOrder: 'big', snapLen: 65535 }, (w) => w.writePacket(1_700_000_000, 123_456_789, DATA))).toBe(h(`
      a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000001
      6553f100 075bcd15 00000005 00000005 0102030405`));
    expect(pcap({ linkType: 1, byteOrder: 'big', resolution: 'us' }, () => {})).toBe(h('a1b2c3d4 0002 0004 00000000 00000000 00040000 00000001'));
  });

  it('cuts packets to the snap length, keeping the original length', () => {
    expect(pcap({ linkType: 1, snapLen: 2 }, (w) => w.writePacket(0, 0, DATA))).toBe(h(`
      4d3cb2a1 0200 0400 00000000 00000000 02000000 01000000
      00000000 00000000 02000000 05000000 0102`));
  });

  it('rejects a zero snap length, timestamps outside 32-bit seconds, and writes after close', () => {
    expect(() => new PcapWriter(collectingSink().sink, { linkType: 1, snapLen: 0 })).toThrow(/snap length/);
    const w = new PcapWriter(collectingSink().sink, { linkType: 1 });
    expect(() => w.writePacket(2 ** 32, 0, DATA)).toThrow(/out of range/);
    expect(() => w.writePacket(0, 1e9, DATA)).toThrow(/out of range/);
    w.close();
    expect(() => w.writePacket(0, 0, DATA)).toThrow(/closed/);
  });
});

describe('pcapng writer → reader round trip', () => {
  it('reads back the section, interfaces, names, secrets and every packet field as written', () => {
    const out = collectingSink();
    const w = new PcapngWriter(out.sink, { application: 'rt', hardware: 'hw', os: 'os', comment: 'cap', chunkSize: 4096 });
    w.addInterface({ linkType: 1, name: 'underlay0', description: 'ToR' });
    w.addInterface({ linkType: 101, name: 'eni-1', snapLen: 40 });
    w.addNameRecords([{ ipv4: 0x0a000001, names: ['a.lab', 'b.lab'] }]);
    w.addSecrets(SecretsType.espSa, Uint8Array.from([1, 2, 3]));
    const sent = Array.from({ length: 200 }, (_, i) => ({
      iface: i % 2, sec: 1_700_000_000 + i * 17, ns: (i * 7_919_999) % 1e9, data: Uint8Array.from({ length: 20 + ((i * 13) % 90) }, (_, k) => (k * i) & 0xff),
      opts: { flags: i % 3, packetId: i * 2 ** 33 + 5, comments: i % 4 ? [`#${i}`, 'ü'.repeat(i % 5)] : undefined },
    }));
    for (const p of sent) w.writePacket(p.iface, p.sec, p.ns, p.data, p.opts);
    w.close();
    const c = readCapture(out.bytes());
    expect(c.error).toBeNull();
    const s = c.sections[0];
    expect(s).toMatchObject({ application: 'rt', hardware: 'hw', os: 'os', comments: ['cap'], byteOrder: 'little' });
    expect(s.interfaces.map((i) => [i.name, i.description, i.linkType, i.snapLen, i.tsResolution])).toEqual([['underlay0', 'ToR', 1, 0, 9], ['eni-1', undefined, 101, 40, 9]]);
    expect(s.names.map((n) => [n.kind, Array.from(n.address), n.names])).toEqual([['ipv4', [10, 0, 0, 1], ['a.lab', 'b.lab']]]);
    expect(s.secrets.map((x) => [x.type, Array.from(x.data)])).toEqual([[SecretsType.espSa, [1, 2, 3]]]);
    expect(c.records.map((r) => [r.interfaceId, r.tsSec, r.tsNsec, Array.from(r.bytes), r.originalLength, r.flags, r.packetId, r.comments])).toEqual(
      sent.map((p) => [p.iface, p.sec, p.ns, Array.from(p.iface === 1 ? p.data.subarray(0, 40) : p.data), p.data.length, p.opts.flags, p.opts.packetId, p.opts.comments]),
    );
  });
});
