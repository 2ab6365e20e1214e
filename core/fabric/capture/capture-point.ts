/**
 * Capture points and the small vocabularies a captured frame is tagged with. A capture point is one
 * pcapng interface: a port seen from one side (the instance ENI, a card's underlay port, a ToR or
 * spine port, an edge or Hyperplane node port).
 */
import type { VerdictKind } from '../verdict.ts';

export type CapturePointKind = 'eni' | 'host' | 'tor' | 'spine' | 'edge' | 'hyperplane';

export interface CapturePointSpec {
  /** The pcapng if_name, e.g. `web-1/eni` or `tor-a1/p3`: unique names make tshark output readable. */
  readonly name: string;
  /** The pcapng if_description, e.g. `ENI of web-1 (decapsulated)`. */
  readonly description?: string;
  readonly kind: CapturePointKind;
}

export interface CapturePoint extends CapturePointSpec {
  /** Index in the store, from 0 in the order points were added. */
  readonly id: number;
}

/** Which way the frame was going at the point: arriving (`in`) or leaving (`out`). */
export type CaptureDirection = 'in' | 'out';

/** Directions are stored as pcapng epb_flags direction bits, so export copies them as they are. */
export const DIRECTION_CODE = { in: 1, out: 2 } as const;

export function directionOf(code: number): CaptureDirection {
  return code === DIRECTION_CODE.in ? 'in' : 'out';
}

/** Verdicts by their stored code (the index). */
export const VERDICTS: readonly VerdictKind[] = ['forward', 'drop', 'rewrite', 'deliver'];

/** The stored code of a verdict; a switch, so the hot path does no lookup. */
export function verdictCode(v: VerdictKind): number {
  switch (v) {
    case 'forward': return 0;
    case 'drop': return 1;
    case 'rewrite': return 2;
    case 'deliver': return 3;
  }
}
