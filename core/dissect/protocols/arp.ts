import { formatIpv4, formatMac } from '../../base/addr.ts';
import { toHex } from '../../base/bytes.ts';
import { ARP_FIXED_LEN, ArpField } from '../../wire/arp.ts';
import { BoundsError, type DissectContext } from '../context.ts';
import { Group, Severity } from '../expert.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { TreeSink } from '../sink.ts';
import { ETHERTYPE_NAMES } from './names.ts';

/** arp.hw.type and arp.opcode value strings of Wireshark 4.0 (`tshark -G values`). */
const HW_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'NET/ROM pseudo', 1: 'Ethernet', 2: 'Experimental Ethernet', 3: 'AX.25', 4: 'ProNET', 5: 'Chaos', 6: 'IEEE 802',
  7: 'ARCNET', 8: 'Hyperchannel', 9: 'Lanstar', 10: 'Autonet Short Address', 11: 'Localtalk', 12: 'LocalNet',
  13: 'Ultra link', 14: 'SMDS', 15: 'Frame Relay DLCI', 16: 'ATM', 17: 'HDLC', 18: 'Fibre Channel',
  19: 'ATM (RFC 2225)', 20: 'Serial Line', 21: 'ATM', 22: 'MIL-STD-188-220', 23: 'Metricom STRIP',
  24: 'IEEE 1394.1995', 25: 'MAPOS', 26: 'Twinaxial', 27: 'EUI-64', 28: 'HIPARP', 29: 'IP and ARP over ISO 7816-3',
  30: 'ARPSec', 31: 'IPsec tunnel', 32: 'InfiniBand', 33: 'TIA-102 Project 25 CAI', 34: 'Wiegand Interface',
  35: 'Pure IP', 36: 'Experimental 1', 37: 'HFI', 256: 'Experimental 2', 257: 'AEthernet', 260: 'Notional KISS type',
  264: 'ADAPT', 270: 'ROSE', 271: 'CCITT X.25', 272: 'Boards with X.25 in firmware', 280: 'Controller Area Network',
  512: 'PPP', 513: 'Cisco HDLC', 516: 'LAPB', 517: 'Digital\'s DDCMP protocol', 518: 'Raw HDLC', 519: 'Raw IP',
  768: 'IPIP tunnel', 769: 'IP6IP6 tunnel', 770: 'Frame Relay Access Device', 771: 'SKIP vif', 772: 'Loopback',
  774: 'Fiber Distributed Data Interface', 775: 'AP1000 BIF', 776: 'sit0 device - IPv6-in-IPv4',
  777: 'IP over DDP tunneller', 778: 'GRE over IP', 779: 'PIMSM register interface',
  780: 'High Performance Parallel Interface', 781: 'Nexus 64Mbps Ash', 782: 'Acorn Econet', 783: 'Linux-IrDA',
  784: 'Point to point fibrechannel', 785: 'Fibrechannel arbitrated loop', 786: 'Fibrechannel public loop',
  787: 'Fibrechannel fabric', 800: 'Magic type ident for TR', 801: 'IEEE 802.11', 802: 'IEEE 802.11 + Prism2 header',
  803: 'IEEE 802.11 + radiotap header', 804: 'IEEE 802.15.4', 805: 'IEEE 802.15.4 network monitor',
  820: 'PhoNet media type', 821: 'PhoNet pipe header', 822: 'CAIF media type', 823: 'GRE over IPv6', 824: 'Netlink',
  825: 'IPv6 over LoWPAN', 826: 'Vsock monitor header', 65535: 'Void type, nothing is known',
  65534: 'zero header length',
};

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply', 5: 'drarp request', 6: 'drarp reply',
  7: 'drarp error', 8: 'inverse request', 9: 'inverse reply', 10: 'arp nak', 11: 'mars request', 12: 'mars multi',
  13: 'mars mserv', 14: 'mars join', 15: 'mars leave', 16: 'mars nak', 17: 'mars unserv', 18: 'mars sjoin',
  19: 'mars sleave', 20: 'mars grouplist request', 21: 'mars grouplist reply', 22: 'mars redirect map',
  23: 'mapos unarp', 24: 'experimental 1', 25: 'experimental 2', 0: 'reserved', 65535: 'reserved',
};

const F = defineFields('arp', {
  hwType: { abbrev: 'arp.hw.type', name: 'Hardware type', type: 'uint', bits: 16, base: 'dec', strings: HW_TYPE_NAMES },
  protoType: { abbrev: 'arp.proto.type', name: 'Protocol type', type: 'uint', bits: 16, base: 'hex', strings: ETHERTYPE_NAMES },
  hwSize: { abbrev: 'arp.hw.size', name: 'Hardware size', type: 'uint', bits: 8, base: 'dec' },
  protoSize: { abbrev: 'arp.proto.size', name: 'Protocol size', type: 'uint', bits: 8, base: 'dec' },
  opcode: { abbrev: 'arp.opcode', name: 'Opcode', type: 'uint', bits: 16, base: 'dec', strings: OPCODE_NAMES },
  isGratuitous: { abbrev: 'arp.isgratuitous', name: 'Is gratuitous', type: 'bool', generated: true, trueFalse: ['True', 'False'] },
  isProbe: { abbrev: 'arp.isprobe', name: 'Is probe', type: 'bool', generated: true, trueFalse: ['True', 'False'] },
  isAnnouncement: { abbrev: 'arp.isannouncement', name: 'Is announcement', type: 'bool', generated: true, trueFalse: ['True', 'False'] },
  srcHw: { abbrev: 'arp.src.hw', name: 'Sender hardware address', type: 'bytes' },
  srcHwMac: { abbrev: 'arp.src.hw_mac', name: 'Sender MAC address', type: 'ether' },
  srcProto: { abbrev: 'arp.src.proto', name: 'Sender protocol address', type: 'bytes' },
  srcProtoIpv4: { abbrev: 'arp.src.proto_ipv4', name: 'Sender IP address', type: 'ipv4' },
  dstHw: { abbrev: 'arp.dst.hw', name: 'Target hardware address', type: 'bytes' },
  dstHwMac: { abbrev: 'arp.dst.hw_mac', name: 'Target MAC address', type: 'ether' },
  dstProto: { abbrev: 'arp.dst.proto', name: 'Target protocol address', type: 'bytes' },
  dstProtoIpv4: { abbrev: 'arp.dst.proto_ipv4', name: 'Target IP address', type: 'ipv4' },
  drarpErrorStatus: { abbrev: 'arp.dst.drarp_error_status', name: 'DRARP error status', type: 'uint', bits: 16, base: 'dec' },
  duplicateFrame: {
    abbrev: 'arp.duplicate-address-frame',
    name: 'Frame showing earlier use of IP address',
    type: 'framenum',
    generated: true,
  },
  secondsSinceDuplicate: {
    abbrev: 'arp.seconds-since-duplicate-address-frame',
    name: 'Seconds since earlier frame seen',
    type: 'uint',
    bits: 32,
    base: 'dec',
    generated: true,
  },
  duplicateDetected: { abbrev: 'arp.duplicate-address-detected', name: 'Duplicate IP address configured', type: 'none', generated: true },
});

const OP_REQUEST = 1;
const OP_REPLY = 2;
const OP_RREQUEST = 3;
const OP_RREPLY = 4;
const OP_DRARP_REQUEST = 5;
const OP_DRARP_REPLY = 6;
const OP_DRARP_ERROR = 7;
const OP_IREQUEST = 8;
const OP_IREPLY = 9;
const OP_NAK = 10;

/** The column name of each opcode group (ARP, RARP, DRARP, Inverse ARP, MARS, MAPOS). */
function protocolColumn(op: number): string {
  if (op === OP_RREQUEST || op === OP_RREPLY) return 'RARP';
  if (op >= OP_DRARP_REQUEST && op <= OP_DRARP_ERROR) return 'DRARP';
  if (op === OP_IREQUEST || op === OP_IREPLY) return 'Inverse ARP';
  if (op >= 11 && op <= 22) return 'MARS';
  if (op === 23) return 'MAPOS';
  return 'ARP';
}

const MARS_INFO: Readonly<Record<number, string>> = {
  11: 'MARS request from', 12: 'MARS MULTI request from', 13: 'MARS MSERV request from', 14: 'MARS JOIN request from',
  15: 'MARS LEAVE from', 16: 'MARS NAK from', 17: 'MARS UNSERV request from', 18: 'MARS SJOIN request from',
  19: 'MARS SLEAVE from', 20: 'MARS grouplist request from', 21: 'MARS grouplist reply from', 22: 'MARS redirect map from',
  23: 'MAPOS UNARP request from',
};

/** ARP_HW_IS_ETHER: Ethernet, experimental Ethernet or IEEE 802 with 6-byte addresses. */
function isEther(hrd: number, hln: number): boolean {
  return (hrd === 1 || hrd === 2 || hrd === 6) && hln === 6;
}

/** ARP_PRO_IS_IPv4: IPv4 (or AX.25's IP) with 4-byte addresses. */
function isIpv4(pro: number, pln: number): boolean {
  return (pro === 0x0800 || pro === 0xcc) && pln === 4;
}

interface Binding {
  mac: number;
  frame: number;
  time: number;
}

/** Duplicate-address detection state: the current owner of each IPv4 address, and results per frame. */
class ArpState {
  readonly owners = new Map<number, Binding>();
  readonly duplicates = new Map<string, Binding>();
}

function arpState(ctx: DissectContext): ArpState {
  return ctx.state.get('arp', () => new ArpState());
}

interface Duplicate {
  readonly ip: number;
  readonly mac: number;
  readonly earlier: Binding;
}

/** check_for_duplicate_addresses: on the first pass records the owner, on every pass reports a clash. */
function checkDuplicate(ctx: DissectContext, st: ArpState, mac: number, ip: number): Duplicate | null {
  const frame = ctx.frame.number;
  const key = `${frame}|${ip}`;
  let result: Binding | undefined;
  if (frame <= ctx.state.lastFrameNumber) {
    result = st.duplicates.get(key);
  } else {
    const owner = st.owners.get(ip);
    if (owner) {
      if (frame > owner.frame) {
        if (owner.mac === mac) {
          owner.frame = frame;
          owner.time = ctx.frame.tsSec;
        } else {
          result = { ...owner };
          st.duplicates.set(key, result);
        }
      }
    } else {
      st.owners.set(ip, { mac, frame, time: ctx.frame.tsSec });
    }
  }
  return result ? { ip, mac, earlier: result } : null;
}

/** An address as Wireshark's tvb_arpproaddr_to_str / tvb_arphrdaddr_to_str print it. */
function protoAddr(ctx: DissectContext, at: number, len: number, pro: number): string {
  if (len === 0) return '<No address>';
  if (isIpv4(pro, len)) return formatIpv4(ctx.u32(at));
  ctx.ensure(at, len);
  return toHex(ctx.bytes.subarray(at, at + len));
}

function hwAddr(ctx: DissectContext, at: number, len: number, hrd: number): string {
  if (len === 0) return '<No address>';
  if (isEther(hrd, len)) return formatMac(ctx.uint(at, 6));
  ctx.ensure(at, len);
  return toHex(ctx.bytes.subarray(at, at + len));
}

function isAllZero(ctx: DissectContext, at: number, len: number): boolean {
  ctx.ensure(at, len);
  for (let i = 0; i < len; i++) if (ctx.bytes[at + i] !== 0) return false;
  return true;
}

/**
 * Address Resolution Protocol (RFC 826) after Wireshark 4.0's dissect_arp for Ethernet-like
 * hardware: the summary (Who has / is at / gratuitous / probe / announcement), and duplicate IPv4
 * address detection across the capture. The packet's own length bounds it, so Ethernet shows the
 * rest of the frame as padding.
 */
export const arp = defineProtocol({
  abbrev: 'arp',
  calls: {},
  name: 'Address Resolution Protocol',
  short: 'ARP',
  fields: F,
  handoffs: [['ethertype', 0x0806]],
  dissect(ctx, offset, end) {
    if (ctx.wantColumns) {
      ctx.setProtocolColumn('ARP');
      ctx.setInfo('');
    }
    const hrd = ctx.u16(offset + ArpField.htype);
    ctx.openProtocol(arp.proto, offset, Math.min(end, ctx.bytes.length) - offset);
    const protoNode = ctx.sink instanceof TreeSink ? ctx.sink.lastNode : null;
    if (ctx.tree) ctx.label(arp.name);
    ctx.value(F.hwType, offset, 2, hrd);
    ctx.item(F.protoType, offset + ArpField.ptype, 2);
    ctx.item(F.hwSize, offset + ArpField.hlen, 1);
    ctx.item(F.protoSize, offset + ArpField.plen, 1);
    ctx.item(F.opcode, offset + ArpField.operation, 2);
    const pro = ctx.u16(offset + ArpField.ptype);
    const hln = ctx.u8(offset + ArpField.hlen);
    const pln = ctx.u8(offset + ArpField.plen);
    const op = ctx.u16(offset + ArpField.operation);
    const totLen = ARP_FIXED_LEN + 2 * (hln + pln);
    ctx.setLength(totLen);
    // tvb_set_reported_length: a packet claiming more than the frame holds is malformed.
    const reported = ctx.source === 0 && end >= ctx.bytes.length ? Math.max(end, ctx.frame.originalLength) : end;
    if (offset + totLen > reported) throw new BoundsError('malformed', reported);
    const packetEnd = offset + totLen;
    ctx.payloadEnd = packetEnd;
    if (ctx.wantColumns) ctx.setProtocolColumn(protocolColumn(op));

    const sha = offset + ARP_FIXED_LEN;
    const spa = sha + hln;
    const tha = spa + pln;
    const tpa = tha + hln;

    let duplicates: Duplicate[] | null = null;
    let duplicateDetected = false;
    let duplicateIp = 0;
    if ((op === OP_REPLY || op === OP_REQUEST) && isEther(hrd, hln) && isIpv4(pro, pln)) {
      const st = arpState(ctx);
      let ip = ctx.u32(spa);
      let mac = ctx.uint(sha, 6);
      if (ctx.bytes[sha] % 2 === 0 && mac !== 0 && ip !== 0) {
        const d = checkDuplicate(ctx, st, mac, ip);
        duplicateDetected = d !== null;
        if (d) {
          duplicateIp = ip;
          (duplicates ??= []).push(d);
        }
      }
      ip = ctx.u32(tpa);
      mac = ctx.uint(tha, 6);
      if (ctx.bytes[tha] % 2 === 0 && mac !== 0 && ip !== 0 && op !== OP_REQUEST && duplicateIp !== ip) {
        const d = checkDuplicate(ctx, st, mac, ip);
        duplicateDetected = d !== null;
        if (d) {
          duplicateIp = ip;
          (duplicates ??= []).push(d);
        }
      }
    }

    let gratuitous = false;
    let probe = false;
    let announcement = false;
    if (op === OP_REQUEST || op === OP_REPLY) {
      ctx.ensure(tpa, pln);
      ctx.ensure(spa, pln);
      let same = true;
      for (let i = 0; i < pln; i++) {
        if (ctx.bytes[spa + i] !== ctx.bytes[tpa + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        gratuitous = true;
        if (op === OP_REQUEST && isAllZero(ctx, tha, 6)) announcement = true;
      } else if (op === OP_REQUEST && isAllZero(ctx, tha, 6) && ctx.u32(spa) === 0) {
        probe = true;
      }
    }

    if (ctx.wantColumns) ctx.setInfo(infoText(ctx, op, hrd, pro, hln, pln, sha, spa, tha, tpa, gratuitous, probe, announcement));

    if (protoNode) {
      let opText = OPCODE_NAMES[op];
      if (opText !== undefined) {
        if (gratuitous && op === OP_REQUEST) opText = 'request/gratuitous ARP';
        if (gratuitous && op === OP_REPLY) opText = 'reply/gratuitous ARP';
        if (probe) opText = 'ARP Probe';
        if (announcement) opText = 'ARP Announcement';
        protoNode.label = `${arp.name} (${opText})`;
      } else {
        protoNode.label = `${arp.name} (opcode 0x${op.toString(16).padStart(4, '0')})`;
      }
    }
    if (gratuitous) ctx.value(F.isGratuitous, offset, 0, 1);
    if (probe) ctx.value(F.isProbe, offset, 0, 1);
    if (announcement) ctx.value(F.isAnnouncement, offset, 0, 1);
    const ether = isEther(hrd, hln);
    const ipv4 = isIpv4(pro, pln);
    if (hln !== 0) ctx.item(ether ? F.srcHwMac : F.srcHw, sha, hln);
    if (pln !== 0) ctx.item(ipv4 ? F.srcProtoIpv4 : F.srcProto, spa, pln);
    if (hln !== 0) ctx.item(ether ? F.dstHwMac : F.dstHw, tha, hln);
    if (pln !== 0 && op !== OP_DRARP_ERROR) ctx.item(ipv4 ? F.dstProtoIpv4 : F.dstProto, tpa, pln);
    else if (pln !== 0) ctx.item(F.drarpErrorStatus, tpa, 1);
    ctx.leave();

    if (duplicates) for (const d of duplicates) duplicateTree(ctx, offset, d);
    if (duplicateDetected && ctx.wantColumns) ctx.appendInfo(`(duplicate use of ${formatIpv4(duplicateIp)} detected!)`);
    ctx.payloadEnd = packetEnd;
  },
});

/** The generated subtree Wireshark adds beside the ARP tree when an address is claimed twice. */
function duplicateTree(ctx: DissectContext, offset: number, d: Duplicate): void {
  const ip = formatIpv4(d.ip);
  const tree = ctx.sink instanceof TreeSink ? ctx.sink : null;
  if (tree) {
    tree.addText(`[Duplicate IP address detected for ${ip} (${formatMac(d.mac)}) - also in use by ${formatMac(d.earlier.mac)} (frame ${d.earlier.frame})]`, offset, 0);
    ctx.enter();
  }
  ctx.value(F.duplicateFrame, offset, 0, d.earlier.frame);
  ctx.enter();
  ctx.expert(Severity.warning, Group.sequence, `Duplicate IP address configured (${ip})`, offset, 0, F.duplicateDetected);
  ctx.leave();
  ctx.value(F.secondsSinceDuplicate, offset, 0, Math.max(0, ctx.frame.tsSec - d.earlier.time) >>> 0);
  if (tree) ctx.leave();
}

function infoText(
  ctx: DissectContext,
  op: number,
  hrd: number,
  pro: number,
  hln: number,
  pln: number,
  sha: number,
  spa: number,
  tha: number,
  tpa: number,
  gratuitous: boolean,
  probe: boolean,
  announcement: boolean,
): string {
  switch (op) {
    case OP_REQUEST:
      if (gratuitous) {
        return announcement ? `ARP Announcement for ${protoAddr(ctx, tpa, pln, pro)}` : `Gratuitous ARP for ${protoAddr(ctx, tpa, pln, pro)} (Request)`;
      }
      if (probe) return `Who has ${protoAddr(ctx, tpa, pln, pro)}? (ARP Probe)`;
      return `Who has ${protoAddr(ctx, tpa, pln, pro)}? Tell ${protoAddr(ctx, spa, pln, pro)}`;
    case OP_REPLY:
      if (gratuitous) return `Gratuitous ARP for ${protoAddr(ctx, spa, pln, pro)} (Reply)`;
      return `${protoAddr(ctx, spa, pln, pro)} is at ${hwAddr(ctx, sha, hln, hrd)}`;
    case OP_RREQUEST:
    case OP_IREQUEST:
    case OP_DRARP_REQUEST:
      return `Who is ${hwAddr(ctx, tha, hln, hrd)}? Tell ${hwAddr(ctx, sha, hln, hrd)}`;
    case OP_RREPLY:
    case OP_DRARP_REPLY:
      return `${hwAddr(ctx, tha, hln, hrd)} is at ${protoAddr(ctx, tpa, pln, pro)}`;
    case OP_DRARP_ERROR:
      return 'DRARP Error';
    case OP_IREPLY:
      return `${hwAddr(ctx, sha, hln, hrd)} is at ${protoAddr(ctx, spa, pln, pro)}`;
    case OP_NAK:
      return 'ARP NAK';
    case 24:
    case 25:
      return `Experimental ${op - 23} ( opcode ${op} )`;
    case 0:
    case 65535:
      return `Reserved opcode ${op}`;
    default: {
      const mars = MARS_INFO[op];
      if (mars !== undefined) return `${mars} ${hwAddr(ctx, sha, hln, hrd)} at ${protoAddr(ctx, spa, pln, pro)}`;
      return `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`;
    }
  }
}
