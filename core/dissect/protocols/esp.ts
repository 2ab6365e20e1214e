import { ESP_HEADER_LEN, ESP_IP_PROTOCOL } from '../../wire/esp.ts';
import type { DissectContext } from '../context.ts';
import { Group, Severity } from '../expert.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { within } from './dns-text.ts';

/**
 * ESP (RFC 4303) as Wireshark 4.0.17 dissects it with default preferences (packet-esp.c): SPI and
 * sequence number, and sequence analysis per SPI; the protected payload is not decoded (no SA is
 * configured and the NULL-encryption heuristic is off by default).
 */

const F = defineFields('esp', {
  spi: {
    abbrev: 'esp.spi',
    name: 'ESP SPI',
    type: 'uint',
    bits: 32,
    base: 'hex_dec',
    description: 'IP Encapsulating Security Payload Security Parameters Index',
  },
  sequence: { abbrev: 'esp.sequence', name: 'ESP Sequence', type: 'uint', bits: 32, base: 'dec' },
  pad: { abbrev: 'esp.pad', name: 'Pad', type: 'bytes' },
  padLen: { abbrev: 'esp.pad_len', name: 'ESP Pad Length', type: 'uint', bits: 8, base: 'dec' },
  protocol: { abbrev: 'esp.protocol', name: 'ESP Next Header', type: 'uint', bits: 8, base: 'hex' },
  iv: { abbrev: 'esp.iv', name: 'ESP IV', type: 'bytes' },
  encryptedData: { abbrev: 'esp.encrypted_data', name: 'ESP Encrypted Data', type: 'bytes' },
  decryptedData: { abbrev: 'esp.decrypted_data', name: 'ESP Decrypted Data', type: 'bytes' },
  containedData: { abbrev: 'esp.contained_data', name: 'ESP Contained Data', type: 'bytes' },
  icv: { abbrev: 'esp.icv', name: 'ESP ICV', type: 'bytes' },
  icvGood: { abbrev: 'esp.icv_good', name: 'Good', type: 'bool' },
  icvBad: { abbrev: 'esp.icv_bad', name: 'Bad', type: 'bool' },
  expectedSn: { abbrev: 'esp.sequence-analysis.expected-sn', name: 'Expected SN', type: 'uint', bits: 32, base: 'dec', generated: true },
  previousFrame: { abbrev: 'esp.sequence-analysis.previous-frame', name: 'Previous Frame', type: 'framenum', generated: true },
  wrongSequenceNumber: { abbrev: 'esp.sequence-analysis.wrong-sequence-number', name: 'Wrong Sequence Number', type: 'none' },
});

interface SpiStatus {
  seq: number;
  frame: number;
}

/** Sequence analysis state: the last (sequence, frame) per SPI, and what each frame saw first time. */
interface EspState {
  readonly bySpi: Map<number, SpiStatus>;
  readonly byFrame: Map<number, SpiStatus | null>;
}

export const esp = defineProtocol({
  abbrev: 'esp',
  calls: {},
  name: 'Encapsulating Security Payload',
  short: 'ESP',
  fields: F,
  handoffs: [['ip.proto', ESP_IP_PROTOCOL]],
  dissect(ctx, offset, end) {
    if (ctx.wantColumns) {
      ctx.setProtocolColumn('ESP');
      ctx.setInfo('');
    }
    within(ctx, end, offset, ESP_HEADER_LEN);
    const spi = ctx.u32(offset);
    const seq = ctx.u32(offset + 4);
    if (ctx.wantColumns) ctx.setInfo(`ESP (SPI=0x${spi.toString(16).padStart(8, '0')})`);
    ctx.openProtocol(esp.proto, offset, Math.max(ESP_HEADER_LEN, Math.min(end, ctx.bytes.length) - offset));
    ctx.value(F.spi, offset, 4, spi);
    ctx.value(F.sequence, offset + 4, 4, seq);
    sequenceAnalysis(ctx, spi, seq, offset);
    ctx.leave();
  },
});

const newEspState = (): EspState => ({ bySpi: new Map(), byFrame: new Map() });

function sequenceAnalysis(ctx: DissectContext, spi: number, seq: number, offset: number): void {
  const st = ctx.state.get<EspState>('esp', newEspState);
  const frame = ctx.frame.number;
  let prev: SpiStatus | null | undefined;
  if (frame > ctx.state.lastFrameNumber || !st.byFrame.has(frame)) {
    const status = st.bySpi.get(spi);
    prev = status ? { seq: status.seq, frame: status.frame } : null;
    st.byFrame.set(frame, prev);
    st.bySpi.set(spi, { seq, frame });
  } else {
    prev = st.byFrame.get(frame);
  }
  if (!prev) return;
  const expected = (prev.seq + 1) >>> 0;
  if (seq === expected) return;
  const ahead = seq > prev.seq;
  const gap = ahead ? (seq - expected) >>> 0 : (expected - seq) >>> 0;
  ctx.value(F.expectedSn, offset, 0, expected);
  if (ctx.tree) ctx.label(`Expected SN: ${expected}${ahead ? ` (${gap} SNs missing)` : ''}`);
  ctx.enter();
  ctx.expert(
    Severity.warning,
    Group.sequence,
    `Wrong Sequence Number for SPI ${spi.toString(16).padStart(8, '0')} - ${gap} ${ahead ? 'missing' : 'less than expected'}`,
    offset,
    0,
    F.wrongSequenceNumber,
  );
  ctx.leave();
  ctx.value(F.previousFrame, offset, 0, prev.frame);
}
