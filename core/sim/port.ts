/**
 * A port: where a device attaches to a link. The device hands packets to `send`; packets that
 * cross the link come out of the far port into that port's device through `receive`.
 *
 * Each port carries the three trace sources captures and checks subscribe to:
 *  - `transmit` (onDidTransmit): a frame starts serializing out of this port;
 *  - `receive` (onDidReceive): a frame has fully arrived at this port (before the device sees it);
 *  - `drop` (onDidDrop): a frame died here — on egress (link down, MTU, queue full) or on ingress
 *    (lost in flight, link down while in flight, no device attached), with a reason.
 */
import type { DropEvent } from './drop.ts';
import type { LinkDirection } from './link-direction.ts';
import type { SimPacket } from './packet.ts';
import { type AnyTraceSource, type Traceable, TraceSource } from './trace.ts';

/** A device's receive handler, set once per port (no per-packet closure). */
export interface PortReceiver {
  receive(packet: SimPacket, port: Port): void;
}

export class Port implements Traceable {
  readonly onDidTransmit = new TraceSource<SimPacket>('transmit', 'A frame starts serializing out of this port');
  readonly onDidReceive = new TraceSource<SimPacket>('receive', 'A frame has fully arrived at this port');
  readonly onDidDrop = new TraceSource<DropEvent>('drop', 'A frame was dropped at this port, with a reason');

  /** The device that receives what arrives here; null until `attach`. */
  receiver: PortReceiver | null = null;
  /** @internal The direction this port transmits into; set once by the link. */
  egress!: LinkDirection;
  /** @internal The direction this port receives from; set once by the link. */
  ingress!: LinkDirection;

  /** @internal Ports are made by `Link`. */
  constructor(readonly name: string) {}

  /** The port at the other end of the link. */
  get peer(): Port {
    return this.egress.to;
  }

  /** Attaches the device that will receive this port's arriving frames (replacing any earlier one). */
  attach(receiver: PortReceiver | null): void {
    this.receiver = receiver;
  }

  /**
   * Sends a frame into the link; ownership passes to the link. Returns false when it was dropped
   * at once (link down, MTU, queue full: the drop trace has fired and the packet is released).
   */
  send(packet: SimPacket): boolean {
    return this.egress.send(packet);
  }

  traceSources(): readonly AnyTraceSource[] {
    return [this.onDidTransmit, this.onDidReceive, this.onDidDrop];
  }
}
