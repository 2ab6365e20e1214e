/**
 * Drops. Every dropped packet is reported once, on a `drop` trace source, with a reason code from
 * one upper-snake-case vocabulary (the fabric's verdict enumeration extends it: `SG_INGRESS_DENY`,
 * `NO_ROUTE`, …) and a human-readable detail. The kernel defines only the link-level codes.
 */
import type { SimPacket } from './packet.ts';

export interface DropEvent {
  /** The dropped packet, lent for the duration of the callback (it is released right after). */
  readonly packet: SimPacket;
  /** Machine-readable code, e.g. `LINK_QUEUE_FULL`. */
  readonly reason: string;
  /** What a person needs to understand this drop, e.g. `frame 9100 B > MTU 9001 B + 14 B L2 header`. */
  readonly detail: string;
}

/** Drop reasons raised by links and ports. */
export const LinkDropReason = {
  /** Sent into a direction that is down, or in flight when it went down. */
  LinkDown: 'LINK_DOWN',
  /** Larger than the direction's MTU (plus its L2 header allowance). */
  MtuExceeded: 'LINK_MTU_EXCEEDED',
  /** The direction's DropTail transmit queue was full. */
  QueueFull: 'LINK_QUEUE_FULL',
  /** Lost on the wire by the direction's seeded loss model. */
  Loss: 'LINK_LOSS',
  /** Arrived at a port that no device is attached to. */
  NoDevice: 'PORT_NO_DEVICE',
} as const;

export type LinkDropReason = (typeof LinkDropReason)[keyof typeof LinkDropReason];
