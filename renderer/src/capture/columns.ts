/** The packet list's columns: Wireshark's defaults plus where the frame was seen and its trace. */
import type { ListRow, SortColumn } from '../../../core/contract/simulation.ts';
import { timeCell, type TimeFormat } from './time-format.ts';

export interface Column {
  readonly key: SortColumn;
  readonly label: string;
  /** CSS width (the list is a fixed grid, so every row lines up without measuring). */
  readonly width: string;
  readonly numeric?: boolean;
  readonly cell: (row: ListRow, time: TimeFormat) => string;
}

export const COLUMNS: readonly Column[] = [
  { key: 'number', label: 'No.', width: '5.5rem', numeric: true, cell: (r) => String(r.number) },
  { key: 'time', label: 'Time', width: '8.5rem', numeric: true, cell: (r, t) => timeCell(r, t) },
  { key: 'source', label: 'Source', width: '9.5rem', cell: (r) => r.source },
  { key: 'destination', label: 'Destination', width: '9.5rem', cell: (r) => r.destination },
  { key: 'protocol', label: 'Protocol', width: '5.5rem', cell: (r) => r.protocol },
  { key: 'length', label: 'Length', width: '4.5rem', numeric: true, cell: (r) => String(r.length) },
  { key: 'point', label: 'Capture point', width: '9rem', cell: (r) => r.point },
  { key: 'trace', label: 'Trace', width: '4.5rem', numeric: true, cell: (r) => (r.traceId === 0 ? '' : String(r.traceId)) },
  { key: 'info', label: 'Info', width: 'minmax(16rem, 1fr)', cell: (r) => r.info },
];

export const GRID_TEMPLATE = COLUMNS.map((c) => c.width).join(' ');
