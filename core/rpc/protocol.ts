/**
 * The messages on the wire and their parsers. Every message is a small object with a `type`;
 * parsing checks the shape by hand (cheaper than a schema on the hot path) and never throws, so a
 * peer cannot crash the other side with garbage.
 *
 * client → server: call {id, method, args} · cancel {id} · listen {event} · unlisten {event}
 * server → client: result {id, value} · error {id | null, code, message} · event {event, values, dropped}
 *
 * Every call is answered exactly once, by a result or an error with its id (a cancelled call by a
 * CANCELLED error). Errors about messages without a usable id carry `id: null`.
 */
import { isRpcErrorCode, type RpcErrorCode } from './errors.ts';

export interface CallMessage {
  readonly type: 'call';
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}
export interface CancelMessage {
  readonly type: 'cancel';
  readonly id: number;
}
export interface ListenMessage {
  readonly type: 'listen' | 'unlisten';
  readonly event: string;
}
export type ClientMessage = CallMessage | CancelMessage | ListenMessage;

export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly value: unknown;
}
export interface ErrorMessage {
  readonly type: 'error';
  readonly id: number | null;
  readonly code: RpcErrorCode;
  readonly message: string;
}
export interface EventMessage {
  readonly type: 'event';
  readonly event: string;
  /** The values of one coalescing window, oldest first. */
  readonly values: readonly unknown[];
  /** Values left out of this window because its queue was full. */
  readonly dropped: number;
}
export type ServerMessage = ResultMessage | ErrorMessage | EventMessage;

/** Longest method or event name accepted (contract names are short; this bounds error messages). */
const MAX_NAME = 128;

export type Parsed<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly id: number | null; readonly reason: string };

export function isCallId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only: `message.type` must not come from a polluted or exotic prototype. */
function field(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function parseClientMessage(raw: unknown): Parsed<ClientMessage> {
  if (!isRecord(raw)) return { ok: false, id: null, reason: 'not an object' };
  const type = field(raw, 'type');
  const rawId = field(raw, 'id');
  const id = isCallId(rawId) ? rawId : null;
  switch (type) {
    case 'call': {
      if (id === null) return { ok: false, id, reason: 'call without a valid id (a non-negative safe integer)' };
      const method = field(raw, 'method');
      if (!isName(method)) return { ok: false, id, reason: 'call without a method name' };
      const args = field(raw, 'args');
      if (!Array.isArray(args)) return { ok: false, id, reason: 'call arguments are not an array' };
      return { ok: true, message: { type, id, method, args } };
    }
    case 'cancel':
      if (id === null) return { ok: false, id, reason: 'cancel without a valid id' };
      return { ok: true, message: { type, id } };
    case 'listen':
    case 'unlisten': {
      const event = field(raw, 'event');
      if (!isName(event)) return { ok: false, id: null, reason: `${type} without an event name` };
      return { ok: true, message: { type, event } };
    }
    default:
      return { ok: false, id, reason: 'unknown message type' };
  }
}

export function parseServerMessage(raw: unknown): Parsed<ServerMessage> {
  if (!isRecord(raw)) return { ok: false, id: null, reason: 'not an object' };
  const type = field(raw, 'type');
  const rawId = field(raw, 'id');
  switch (type) {
    case 'result':
      if (!isCallId(rawId)) return { ok: false, id: null, reason: 'result without a valid id' };
      return { ok: true, message: { type, id: rawId, value: field(raw, 'value') } };
    case 'error': {
      if (rawId !== null && !isCallId(rawId)) return { ok: false, id: null, reason: 'error with an invalid id' };
      const code = field(raw, 'code');
      const message = field(raw, 'message');
      if (!isRpcErrorCode(code) || typeof message !== 'string') return { ok: false, id: rawId, reason: 'error without a known code and a message' };
      return { ok: true, message: { type, id: rawId, code, message } };
    }
    case 'event': {
      const event = field(raw, 'event');
      const values = field(raw, 'values');
      const dropped = field(raw, 'dropped') ?? 0;
      if (!isName(event) || !Array.isArray(values) || !isCallId(dropped)) return { ok: false, id: null, reason: 'malformed event' };
      return { ok: true, message: { type, event, values, dropped } };
    }
    default:
      return { ok: false, id: null, reason: 'unknown message type' };
  }
}
