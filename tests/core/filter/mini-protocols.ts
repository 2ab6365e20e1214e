import { defineFields, defineProtocol } from '../../../core/dissect/protocol.ts';
import type { DissectContext } from '../../../core/dissect/context.ts';

/**
 * Test-only IPv4, UDP and TCP dissectors, so the filter's oracle tests do not depend on the real
 * protocol modules (written elsewhere, possibly unfinished). They add, with Wireshark's names,
 * types, masks and byte ranges, just the fields the filter tables use, and hand off the way
 * tshark does for the frames in fixture.ts (IP-in-IP, UDP payload as `data`).
 */

const IPPROTO: Readonly<Record<number, string>> = { 1: 'ICMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP' };

const IP = defineFields('ip', {
  version: { abbrev: 'ip.version', name: 'Version', type: 'uint', bits: 8, mask: 0xf0 },
  len: { abbrev: 'ip.len', name: 'Total Length', type: 'uint', bits: 16 },
  id: { abbrev: 'ip.id', name: 'Identification', type: 'uint', bits: 16, base: 'hex_dec' },
  flags: { abbrev: 'ip.flags', name: 'Flags', type: 'uint', bits: 8, base: 'hex', mask: 0xe0 },
  df: { abbrev: 'ip.flags.df', name: "Don't fragment", type: 'bool', bits: 8, mask: 0x40 },
  ttl: { abbrev: 'ip.ttl', name: 'Time to Live', type: 'uint', bits: 8 },
  proto: { abbrev: 'ip.proto', name: 'Protocol', type: 'uint', bits: 8, strings: IPPROTO },
  checksum: { abbrev: 'ip.checksum', name: 'Header Checksum', type: 'uint', bits: 16, base: 'hex' },
  src: { abbrev: 'ip.src', name: 'Source Address', type: 'ipv4' },
  addr: { abbrev: 'ip.addr', name: 'Source or Destination Address', type: 'ipv4', hidden: true },
  dst: { abbrev: 'ip.dst', name: 'Destination Address', type: 'ipv4' },
});

export const miniIp = defineProtocol({
  abbrev: 'ip',
  name: 'Internet Protocol Version 4',
  short: 'IPv4',
  fields: IP,
  handoffs: [
    ['ethertype', 0x0800],
    ['ip.proto', 4],
    ['wtap_encap', 101],
  ],
  dissect(ctx: DissectContext, offset: number, end: number) {
    ctx.openProtocol(miniIp.proto, offset, 20);
    ctx.item(IP.version, offset, 1);
    const total = ctx.u16(offset + 2);
    ctx.item(IP.len, offset + 2, 2);
    ctx.item(IP.id, offset + 4, 2);
    ctx.item(IP.flags, offset + 6, 1);
    ctx.enter();
    ctx.item(IP.df, offset + 6, 1);
    ctx.leave();
    ctx.item(IP.ttl, offset + 8, 1);
    ctx.item(IP.proto, offset + 9, 1);
    ctx.item(IP.checksum, offset + 10, 2);
    ctx.item(IP.src, offset + 12, 4);
    ctx.item(IP.addr, offset + 12, 4);
    ctx.item(IP.dst, offset + 16, 4);
    ctx.item(IP.addr, offset + 16, 4);
    ctx.leave();
    const proto = ctx.u8(offset + 9);
    const stop = Math.min(end, offset + total);
    if (!ctx.callTable('ip.proto', proto, offset + 20, stop)) ctx.data(offset + 20, stop);
    ctx.payloadEnd = stop;
  },
});

const UDP = defineFields('udp', {
  srcport: { abbrev: 'udp.srcport', name: 'Source Port', type: 'uint', bits: 16 },
  dstport: { abbrev: 'udp.dstport', name: 'Destination Port', type: 'uint', bits: 16 },
  port: { abbrev: 'udp.port', name: 'Source or Destination Port', type: 'uint', bits: 16, hidden: true },
  length: { abbrev: 'udp.length', name: 'Length', type: 'uint', bits: 16 },
});

export const miniUdp = defineProtocol({
  abbrev: 'udp',
  name: 'User Datagram Protocol',
  short: 'UDP',
  fields: UDP,
  handoffs: [['ip.proto', 17]],
  dissect(ctx: DissectContext, offset: number, end: number) {
    ctx.openProtocol(miniUdp.proto, offset, 8);
    ctx.item(UDP.srcport, offset, 2);
    ctx.item(UDP.dstport, offset + 2, 2);
    ctx.item(UDP.port, offset, 2);
    ctx.item(UDP.port, offset + 2, 2);
    ctx.item(UDP.length, offset + 4, 2);
    ctx.leave();
    ctx.data(offset + 8, end);
  },
});

const TCP = defineFields('tcp', {
  srcport: { abbrev: 'tcp.srcport', name: 'Source Port', type: 'uint', bits: 16 },
  dstport: { abbrev: 'tcp.dstport', name: 'Destination Port', type: 'uint', bits: 16 },
  port: { abbrev: 'tcp.port', name: 'Source or Destination Port', type: 'uint', bits: 16, hidden: true },
  flags: { abbrev: 'tcp.flags', name: 'Flags', type: 'uint', bits: 16, base: 'hex', mask: 0x0fff },
  ack: { abbrev: 'tcp.flags.ack', name: 'Acknowledgment', type: 'bool', bits: 12, mask: 0x010 },
  reset: { abbrev: 'tcp.flags.reset', name: 'Reset', type: 'bool', bits: 12, mask: 0x004 },
  syn: { abbrev: 'tcp.flags.syn', name: 'Syn', type: 'bool', bits: 12, mask: 0x002 },
  fin: { abbrev: 'tcp.flags.fin', name: 'Fin', type: 'bool', bits: 12, mask: 0x001 },
  window: { abbrev: 'tcp.window_size_value', name: 'Window', type: 'uint', bits: 16 },
});

export const miniTcp = defineProtocol({
  abbrev: 'tcp',
  name: 'Transmission Control Protocol',
  short: 'TCP',
  fields: TCP,
  handoffs: [['ip.proto', 6]],
  dissect(ctx: DissectContext, offset: number) {
    ctx.openProtocol(miniTcp.proto, offset, 20);
    ctx.item(TCP.srcport, offset, 2);
    ctx.item(TCP.dstport, offset + 2, 2);
    ctx.item(TCP.port, offset, 2);
    ctx.item(TCP.port, offset + 2, 2);
    ctx.item(TCP.flags, offset + 12, 2);
    ctx.enter();
    ctx.item(TCP.ack, offset + 12, 2);
    ctx.item(TCP.reset, offset + 12, 2);
    ctx.item(TCP.syn, offset + 12, 2);
    ctx.item(TCP.fin, offset + 12, 2);
    ctx.leave();
    ctx.item(TCP.window, offset + 14, 2);
    ctx.leave();
  },
});

export const MINI_PROTOCOLS = [miniIp, miniUdp, miniTcp];
