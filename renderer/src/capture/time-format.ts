/** The packet list's Time column in Wireshark's formats (View → Time Display Format). */
import type { ListRow } from '../../../core/contract/simulation.ts';

export type TimeFormat = 'since-start' | 'since-previous-displayed' | 'absolute';

export const TIME_FORMATS: readonly { readonly value: TimeFormat; readonly label: string }[] = [
  { value: 'since-start', label: 'Seconds since beginning of capture' },
  { value: 'since-previous-displayed', label: 'Seconds since previous displayed packet' },
  { value: 'absolute', label: 'Virtual time (seconds since the simulation started)' },
];

/** Integer nanoseconds as seconds with nine decimals, as Wireshark prints nanosecond captures. */
export function nsSeconds(ns: number): string {
  const neg = ns < 0;
  const abs = Math.abs(ns);
  const s = Math.floor(abs / 1e9);
  return `${neg ? '-' : ''}${s}.${String(Math.round(abs - s * 1e9)).padStart(9, '0')}`;
}

export function timeCell(row: ListRow, format: TimeFormat): string {
  switch (format) {
    case 'since-start': return row.time;
    case 'since-previous-displayed': return nsSeconds(row.deltaDisplayedNs);
    case 'absolute': return nsSeconds(row.timeNs);
  }
}
