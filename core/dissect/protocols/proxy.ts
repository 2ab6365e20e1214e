import { PROXY_V2_HEADER_LEN, PROXY_V2_SIGNATURE } from '../../wire/proxy-v2.ts';
import type { DissectContext } from '../context.ts';
import { Group, Severity } from '../expert.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { formatIpv6 } from './dns.ts';
import { rd16, rd8, textItem, within } from './dns-text.ts';

/**
 * The PROXY protocol version 2 header as Wireshark 4.0.17 dissects it (packet-proxy.c). It has no
 * port: a heuristic on TCP (and UDP) payloads recognises the 12-byte signature, which Wireshark
 * tries only when no port dissector took the payload. Behaviour copied from 4.0.17, checked with
 * tshark:
 *
 * - TLVs are read while their offset (from the header start) is below the *length field* (not
 *   16 + length), so the last TLVs of a header can go unshown (a NOOP padding TLV usually).
 * - Only the Protocol column is set (`PROXYv2`); Info stays TCP's.
 * - The bytes after the header (the proxied connection's data) are not handed on.
 *
 * PROXY v1 (the text form) is not modelled: Underlay's load balancers send v2.
 */

const F = defineFields('proxy', {
  version: { abbrev: 'proxy.version', name: 'Version', type: 'uint', bits: 8, base: 'dec', generated: true },
  srcIpv4: { abbrev: 'proxy.src.ipv4', name: 'Source Address', type: 'ipv4' },
  dstIpv4: { abbrev: 'proxy.dst.ipv4', name: 'Destination Address', type: 'ipv4' },
  // The engine has no IPv6 field type: IPv6 addresses are kept as text (what tshark prints).
  srcIpv6: { abbrev: 'proxy.src.ipv6', name: 'Source Address', type: 'string' },
  dstIpv6: { abbrev: 'proxy.dst.ipv6', name: 'Destination Address', type: 'string' },
  srcport: { abbrev: 'proxy.srcport', name: 'Source Port', type: 'uint', bits: 16, base: 'dec' },
  dstport: { abbrev: 'proxy.dstport', name: 'Destination Port', type: 'uint', bits: 16, base: 'dec' },
  v1Magic: { abbrev: 'proxy.v1.magic', name: 'PROXY v1 magic', type: 'none' },
  v1Proto: { abbrev: 'proxy.v1.proto', name: 'Protocol', type: 'string' },
  v1Unknown: { abbrev: 'proxy.v1.unknown', name: 'Unknown data', type: 'string' },
  magic: { abbrev: 'proxy.v2.magic', name: 'Magic', type: 'bytes' },
  v2Version: { abbrev: 'proxy.v2.version', name: 'Version', type: 'uint', bits: 8, base: 'dec', mask: 0xf0 },
  cmd: { abbrev: 'proxy.v2.cmd', name: 'Command', type: 'uint', bits: 8, base: 'dec', mask: 0x0f },
  addrFamilyProtocol: {
    abbrev: 'proxy.v2.addr_family_protocol',
    name: 'Address Family Protocol',
    type: 'uint',
    bits: 8,
    base: 'hex',
    strings: { 0x00: 'UNSPEC', 0x11: 'TCP over IPv4', 0x12: 'UDP over IPv4', 0x21: 'TCP over IPv6', 0x22: 'UDP over IPv6', 0x31: 'UNIX stream', 0x32: 'UNIX datagram' },
  },
  addrFamily: { abbrev: 'proxy.v2.addr_family', name: 'Address Family', type: 'uint', bits: 8, base: 'hex', mask: 0xf0, strings: { 1: 'IPv4', 2: 'IPv6', 3: 'UNIX' } },
  protocol: { abbrev: 'proxy.v2.protocol', name: 'Protocol', type: 'uint', bits: 8, base: 'hex', mask: 0x0f },
  length: { abbrev: 'proxy.v2.length', name: 'Length', type: 'uint', bits: 16, base: 'dec' },
  srcUnix: { abbrev: 'proxy.v2.src.unix', name: 'Source Address', type: 'bytes' },
  dstUnix: { abbrev: 'proxy.v2.dst.unix', name: 'Destination Address', type: 'bytes' },
  unknown: { abbrev: 'proxy.v2.unknown', name: 'Unknown data', type: 'bytes' },
  tlv: { abbrev: 'proxy.v2.tlv', name: 'TLV', type: 'none' },
  tlvType: {
    abbrev: 'proxy.v2.tlv.type',
    name: 'Type',
    type: 'uint',
    bits: 8,
    base: 'hex',
    strings: {
      0x00: 'UNSPEC',
      0x01: 'ALPN',
      0x02: 'AUTHORITY',
      0x03: 'CRC32C',
      0x04: 'NOOP',
      0x20: 'SSL',
      0x21: 'SSL VERSION',
      0x22: 'SSL CN',
      0x23: 'SSL CIPHER',
      0x24: 'SSL SIG ALG',
      0x25: 'SSL KEY ALG',
      0x30: 'NETNS',
      0xea: 'AWS',
    },
  },
  tlvLength: { abbrev: 'proxy.v2.tlv.length', name: 'Length', type: 'uint', bits: 16, base: 'dec' },
  tlvValue: { abbrev: 'proxy.v2.tlv.value', name: 'Value', type: 'bytes' },
  sslClient: { abbrev: 'proxy.v2.tlv.ssl.client', name: 'Client', type: 'uint', bits: 8, base: 'hex' },
  sslVerify: { abbrev: 'proxy.v2.tlv.ssl.verify', name: 'Verify', type: 'uint', bits: 32, base: 'hex' },
  sslVersion: { abbrev: 'proxy.v2.tlv.ssl.version', name: 'Version', type: 'string' },
  sslCn: { abbrev: 'proxy.v2.tlv.ssl.cn', name: 'CN', type: 'string' },
  sslCipher: { abbrev: 'proxy.v2.tlv.ssl.cipher', name: 'Cipher', type: 'string' },
  sslSigAlg: { abbrev: 'proxy.v2.tlv.ssl.sig_alg', name: 'SIG ALG', type: 'string' },
  sslKeyAlg: { abbrev: 'proxy.v2.tlv.ssl.keu_alg', name: 'Key ALG', type: 'string' },
  lengthTooSmall: { abbrev: 'proxy.header.length_too_small', name: 'Header length is too small', type: 'none' },
  badFormat: { abbrev: 'proxy.bad_format', name: 'Badly formatted PROXY header line', type: 'none' },
});

/** Wireshark's heuristic: at least 16 bytes of payload starting with the v2 signature. */
function isProxyV2(ctx: DissectContext, offset: number, end: number): boolean {
  if (end - offset < PROXY_V2_HEADER_LEN) return false;
  const b = ctx.bytes;
  if (offset + PROXY_V2_SIGNATURE.length > b.length) return false;
  for (let i = 0; i < PROXY_V2_SIGNATURE.length; i++) if (b[offset + i] !== PROXY_V2_SIGNATURE[i]) return false;
  return true;
}

export const proxy = defineProtocol({
  abbrev: 'proxy',
  calls: {},
  name: 'PROXY Protocol',
  short: 'PROXY',
  fields: F,
  heuristics: [
    ['tcp', isProxyV2],
    ['udp', isProxyV2],
  ],
  dissect(ctx, offset, end) {
    if (ctx.wantColumns) ctx.setProtocolColumn('PROXYv2');
    ctx.openProtocol(proxy.proto, offset, Math.max(0, Math.min(end, ctx.bytes.length) - offset));
    within(ctx, end, offset, 12);
    ctx.item(F.magic, offset, 12);
    within(ctx, end, offset + 12, 1);
    ctx.item(F.v2Version, offset + 12, 1);
    ctx.item(F.cmd, offset + 12, 1);
    ctx.value(F.version, offset + 12, 1, 2);
    const famPro = rd8(ctx, end, offset + 13);
    ctx.value(F.addrFamilyProtocol, offset + 13, 1, famPro);
    ctx.enter();
    ctx.value(F.addrFamily, offset + 13, 1, famPro >> 4);
    ctx.value(F.protocol, offset + 13, 1, famPro & 0x0f);
    ctx.leave();
    const headerLen = rd16(ctx, end, offset + 14);
    ctx.value(F.length, offset + 14, 2, headerLen);
    const nextOffset = PROXY_V2_HEADER_LEN + headerLen;
    let at = PROXY_V2_HEADER_LEN; // offsets below are relative to the header start, as in Wireshark
    switch (famPro) {
      case 0x11:
      case 0x12:
        within(ctx, end, offset + at, 12);
        ctx.item(F.srcIpv4, offset + at, 4);
        ctx.item(F.dstIpv4, offset + at + 4, 4);
        ctx.item(F.srcport, offset + at + 8, 2);
        ctx.item(F.dstport, offset + at + 10, 2);
        at += 12;
        break;
      case 0x21:
      case 0x22:
        within(ctx, end, offset + at, 36);
        ctx.value(F.srcIpv6, offset + at, 16, formatIpv6(ctx.bytes, offset + at));
        ctx.value(F.dstIpv6, offset + at + 16, 16, formatIpv6(ctx.bytes, offset + at + 16));
        ctx.item(F.srcport, offset + at + 32, 2);
        ctx.item(F.dstport, offset + at + 34, 2);
        at += 36;
        break;
      case 0x31:
      case 0x32:
        within(ctx, end, offset + at, 216);
        ctx.item(F.srcUnix, offset + at, 108);
        ctx.item(F.dstUnix, offset + at + 108, 108);
        at += 216;
        break;
      default:
        within(ctx, end, offset + at, headerLen);
        ctx.item(F.unknown, offset + at, headerLen);
        at += headerLen;
    }
    if (at > nextOffset) {
      // proto_tree_add_expert(…, offset, -1) throws when no byte is left after the addresses.
      within(ctx, end, offset + at, 1);
      const rest = Math.max(0, Math.min(end, ctx.bytes.length) - offset - at);
      const opened = textItem(ctx, F.lengthTooSmall.name, offset + at, rest);
      if (opened) ctx.enter();
      ctx.expert(Severity.warning, Group.malformed, F.lengthTooSmall.name, offset + at, rest, F.lengthTooSmall);
      if (opened) ctx.leave();
      ctx.leave();
      return;
    }
    if (at < headerLen) tlvs(ctx, offset, at, headerLen, 0, end);
    ctx.leave();
  },
});

/** TLVs from `at` while `at < bound` (offsets from the header start); SSL nests sub-TLVs. */
function tlvs(ctx: DissectContext, base: number, at: number, bound: number, depth: number, end: number): number {
  const tree = ctx.tree;
  while (at < bound) {
    const type = rd8(ctx, end, base + at);
    const length = rd16(ctx, end, base + at + 1);
    ctx.value(F.tlv, base + at, 3 + length, null);
    if (tree) ctx.label(`TLV: (t=${type},l=${length}) ${F.tlvType.strings?.[type] ?? 'Unknown type'}`);
    ctx.enter();
    ctx.value(F.tlvType, base + at, 1, type);
    ctx.value(F.tlvLength, base + at + 1, 2, length);
    at += 3;
    within(ctx, end, base + at, length);
    ctx.item(F.tlvValue, base + at, length);
    switch (type) {
      case 0x20:
        within(ctx, end, base + at, 5);
        ctx.item(F.sslClient, base + at, 1);
        ctx.item(F.sslVerify, base + at + 1, 4);
        at += 5;
        if (depth < 8) at = tlvs(ctx, base, at, bound, depth + 1, end);
        break;
      case 0x21:
        ctx.item(F.sslVersion, base + at, length);
        at += length;
        break;
      case 0x22:
        ctx.item(F.sslCn, base + at, length);
        at += length;
        break;
      case 0x23:
        ctx.item(F.sslCipher, base + at, length);
        at += length;
        break;
      case 0x24:
        ctx.item(F.sslSigAlg, base + at, length);
        at += length;
        break;
      case 0x25:
        ctx.item(F.sslKeyAlg, base + at, length);
        at += length;
        break;
      default:
        at += length;
    }
    ctx.leave();
  }
  return at;
}
