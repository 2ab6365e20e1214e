/**
 * Feeds a long byte stream into a TCP socket without holding it all in the send buffer and
 * without letting the buffer run dry (a dry buffer leaves the last odd segment waiting for a
 * delayed ACK, ~40 ms per refill). Whenever less than `LOW_WATER` bytes are queued — checked on
 * `drained` and every `POLL_NS` of virtual time while the stream lasts — it tops the queue up to
 * `HIGH_WATER` in `CHUNK`-sized writes. Like a process writing into a socket until EAGAIN.
 */
import type { EventHandler, EventId, Simulator } from '../../sim/simulator.ts';
import type { TcpSocket } from './tcp/index.ts';

const CHUNK = 256 * 1024;
const LOW_WATER = 4 * 1024 * 1024;
const HIGH_WATER = 8 * 1024 * 1024;
const POLL_NS = 100_000;

export class SendPump implements EventHandler<undefined> {
  /** Bytes handed to the socket so far. */
  queued = 0;
  private timer: EventId = -1;
  private stopped = false;
  private scratch: Uint8Array | null = null;

  /**
   * @param fill writes the stream's bytes from `offset` into `chunk` (a scratch array: the socket copies it).
   * @param done called once, right after the last byte was queued.
   */
  constructor(
    private readonly sim: Simulator,
    private readonly socket: TcpSocket,
    readonly total: number,
    private readonly fill: (offset: number, chunk: Uint8Array) => void,
    private readonly done: () => void,
  ) {}

  get finished(): boolean {
    return this.queued >= this.total;
  }

  /** Queues what fits now and keeps polling until everything is queued. */
  pump(): void {
    if (this.stopped) return;
    if (this.timer >= 0) this.sim.cancel(this.timer);
    this.timer = -1;
    if (this.socket.bufferedAmount < LOW_WATER) {
      const target = Math.min(this.total, this.queued + HIGH_WATER - this.socket.bufferedAmount);
      while (this.queued < target && !this.stopped) {
        const n = Math.min(CHUNK, target - this.queued);
        this.scratch ??= new Uint8Array(Math.min(CHUNK, this.total));
        const chunk = n === this.scratch.length ? this.scratch : this.scratch.subarray(0, n);
        this.fill(this.queued, chunk);
        try {
          this.socket.send(chunk);
        } catch {
          this.stop();
          return;
        }
        this.queued += n;
      }
    }
    if (this.stopped) return;
    if (this.queued >= this.total) {
      this.stopped = true;
      this.done();
      return;
    }
    this.timer = this.sim.schedule(POLL_NS, this, 0);
  }

  /** Simulator callback: the poll timer. */
  handleEvent(): void {
    this.timer = -1;
    this.pump();
  }

  /** Stops feeding (the connection went away). */
  stop(): void {
    this.stopped = true;
    if (this.timer >= 0) this.sim.cancel(this.timer);
    this.timer = -1;
  }
}
