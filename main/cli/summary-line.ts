import type { PacketSummary } from '../../core/dissect/summary.ts';

/**
 * tshark's default one-line summary: number right-aligned in 5, time right-aligned in 10,
 * source right-aligned in 12, `→`, destination left-aligned in 12, protocol, length, info
 * (the widths of tshark.c's print_columns).
 */
export function summaryLine(s: PacketSummary): string {
  const src = s.source || '';
  const dst = s.destination || '';
  const addresses = src || dst ? `${src.padStart(12)} → ${dst.padEnd(12)}` : `${''.padStart(12)}   ${''.padEnd(12)}`;
  return `${String(s.number).padStart(5)} ${s.time.padStart(10)} ${addresses} ${s.protocol} ${s.length} ${s.info}`;
}
