import { latin1 } from '../../base/bytes.ts';
import { HTTP_PORT } from '../../wire/http.ts';
import type { DissectContext } from '../context.ts';
import { Group, Severity } from '../expert.ts';
import type { FieldDef } from '../field.ts';
import { defineFields, defineProtocol } from '../protocol.ts';
import { conversationKey, relTimeText, textItem } from './dns-text.ts';
import { HTTP_STATUS_VALS } from './http-names.ts';

/**
 * HTTP/1.x as Wireshark 4.0.17 dissects one TCP segment (packet-http.c): the request or status
 * line (a text item with a Chat expert), header lines (the hidden `http.request.line` /
 * `http.response.line` plus a named field for the headers Wireshark knows), the empty line,
 * generated request/response links per TCP conversation, and the body by Content-Length, handed to
 * `data-text-lines` for text media types or `data` otherwise.
 *
 * Not modelled: reassembly of heads or bodies split over segments (Wireshark waits for the rest;
 * here the part present is dissected), chunked transfer coding, decompression, media dissectors
 * other than text (JSON, XML, forms go to `data`), and the conversation stickiness that makes
 * Wireshark treat later segments of a heuristically found HTTP connection as HTTP.
 */

/** Ports Wireshark 4.0 registers HTTP on (`tshark -G decodes`). */
export const HTTP_TCP_PORTS: readonly number[] = [HTTP_PORT, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371];

const F = defineFields('http', {
  notification: { abbrev: 'http.notification', name: 'Notification', type: 'bool', hidden: true },
  response: { abbrev: 'http.response', name: 'Response', type: 'bool', hidden: true },
  request: { abbrev: 'http.request', name: 'Request', type: 'bool', hidden: true },
  responseNumber: { abbrev: 'http.response_number', name: 'Response number', type: 'uint', bits: 32, base: 'dec', generated: true },
  requestNumber: { abbrev: 'http.request_number', name: 'Request number', type: 'uint', bits: 32, base: 'dec', generated: true },
  authbasic: { abbrev: 'http.authbasic', name: 'Credentials', type: 'string' },
  // Shown (labelled with the line) for headers without a field of their own, hidden otherwise.
  responseLine: { abbrev: 'http.response.line', name: 'Response line', type: 'string' },
  requestLine: { abbrev: 'http.request.line', name: 'Request line', type: 'string' },
  method: { abbrev: 'http.request.method', name: 'Request Method', type: 'string' },
  uri: { abbrev: 'http.request.uri', name: 'Request URI', type: 'string' },
  uriPath: { abbrev: 'http.request.uri.path', name: 'Request URI Path', type: 'string' },
  uriQuery: { abbrev: 'http.request.uri.query', name: 'Request URI Query', type: 'string' },
  uriQueryParameter: { abbrev: 'http.request.uri.query.parameter', name: 'Request URI Query Parameter', type: 'string' },
  requestVersion: { abbrev: 'http.request.version', name: 'Request Version', type: 'string' },
  responseVersion: { abbrev: 'http.response.version', name: 'Response Version', type: 'string' },
  fullUri: { abbrev: 'http.request.full_uri', name: 'Full request URI', type: 'string', generated: true },
  code: { abbrev: 'http.response.code', name: 'Status Code', type: 'uint', bits: 16, base: 'dec' },
  codeDesc: { abbrev: 'http.response.code.desc', name: 'Status Code Description', type: 'string', generated: true },
  responseForUri: { abbrev: 'http.response_for.uri', name: 'Request URI', type: 'string', generated: true },
  phrase: { abbrev: 'http.response.phrase', name: 'Response Phrase', type: 'string' },
  authorization: { abbrev: 'http.authorization', name: 'Authorization', type: 'string' },
  proxyAuthenticate: { abbrev: 'http.proxy_authenticate', name: 'Proxy-Authenticate', type: 'string' },
  proxyAuthorization: { abbrev: 'http.proxy_authorization', name: 'Proxy-Authorization', type: 'string' },
  wwwAuthenticate: { abbrev: 'http.www_authenticate', name: 'WWW-Authenticate', type: 'string' },
  contentType: { abbrev: 'http.content_type', name: 'Content-Type', type: 'string' },
  contentLengthHeader: { abbrev: 'http.content_length_header', name: 'Content-Length', type: 'string' },
  contentLength: { abbrev: 'http.content_length', name: 'Content length', type: 'uint', bits: 64, base: 'dec', generated: true },
  contentEncoding: { abbrev: 'http.content_encoding', name: 'Content-Encoding', type: 'string' },
  transferEncoding: { abbrev: 'http.transfer_encoding', name: 'Transfer-Encoding', type: 'string' },
  upgrade: { abbrev: 'http.upgrade', name: 'Upgrade', type: 'string' },
  userAgent: { abbrev: 'http.user_agent', name: 'User-Agent', type: 'string' },
  host: { abbrev: 'http.host', name: 'Host', type: 'string' },
  connection: { abbrev: 'http.connection', name: 'Connection', type: 'string' },
  cookie: { abbrev: 'http.cookie', name: 'Cookie', type: 'string' },
  cookiePair: { abbrev: 'http.cookie_pair', name: 'Cookie pair', type: 'string' },
  accept: { abbrev: 'http.accept', name: 'Accept', type: 'string' },
  referer: { abbrev: 'http.referer', name: 'Referer', type: 'string' },
  acceptLanguage: { abbrev: 'http.accept_language', name: 'Accept-Language', type: 'string' },
  acceptEncoding: { abbrev: 'http.accept_encoding', name: 'Accept Encoding', type: 'string' },
  date: { abbrev: 'http.date', name: 'Date', type: 'string' },
  cacheControl: { abbrev: 'http.cache_control', name: 'Cache-Control', type: 'string' },
  server: { abbrev: 'http.server', name: 'Server', type: 'string' },
  location: { abbrev: 'http.location', name: 'Location', type: 'string' },
  secWebsocketAccept: { abbrev: 'http.sec_websocket_accept', name: 'Sec-WebSocket-Accept', type: 'string' },
  secWebsocketExtensions: { abbrev: 'http.sec_websocket_extensions', name: 'Sec-WebSocket-Extensions', type: 'string' },
  secWebsocketKey: { abbrev: 'http.sec_websocket_key', name: 'Sec-WebSocket-Key', type: 'string' },
  secWebsocketProtocol: { abbrev: 'http.sec_websocket_protocol', name: 'Sec-WebSocket-Protocol', type: 'string' },
  secWebsocketVersion: { abbrev: 'http.sec_websocket_version', name: 'Sec-WebSocket-Version', type: 'string' },
  setCookie: { abbrev: 'http.set_cookie', name: 'Set-Cookie', type: 'string' },
  lastModified: { abbrev: 'http.last_modified', name: 'Last-Modified', type: 'string' },
  xForwardedFor: { abbrev: 'http.x_forwarded_for', name: 'X-Forwarded-For', type: 'string' },
  http2Settings: { abbrev: 'http.http2_settings', name: 'HTTP2-Settings', type: 'string' },
  requestIn: { abbrev: 'http.request_in', name: 'Request in frame', type: 'framenum', generated: true },
  responseIn: { abbrev: 'http.response_in', name: 'Response in frame', type: 'framenum', generated: true },
  nextRequestIn: { abbrev: 'http.next_request_in', name: 'Next request in frame', type: 'framenum', generated: true },
  nextResponseIn: { abbrev: 'http.next_response_in', name: 'Next response in frame', type: 'framenum', generated: true },
  prevRequestIn: { abbrev: 'http.prev_request_in', name: 'Prev request in frame', type: 'framenum', generated: true },
  prevResponseIn: { abbrev: 'http.prev_response_in', name: 'Prev response in frame', type: 'framenum', generated: true },
  time: { abbrev: 'http.time', name: 'Time since request', type: 'rel_time', generated: true },
  fileData: { abbrev: 'http.file_data', name: 'File Data', type: 'string' },
  unknownHeader: { abbrev: 'http.unknown_header', name: 'Unknown header', type: 'string' },
  chat: { abbrev: 'http.chat', name: 'Formatted text', type: 'none' },
  leadingCrlf: { abbrev: 'http.leading_crlf', name: 'Leading CRLF previous message in the stream may have extra CRLF', type: 'none' },
});

/** Headers Wireshark 4.0 gives a field of their own (lower-case name → field). */
const KNOWN_HEADERS: ReadonlyMap<string, FieldDef> = new Map([
  ['authorization', F.authorization],
  ['proxy-authenticate', F.proxyAuthenticate],
  ['proxy-authorization', F.proxyAuthorization],
  ['www-authenticate', F.wwwAuthenticate],
  ['content-type', F.contentType],
  ['content-length', F.contentLengthHeader],
  ['content-encoding', F.contentEncoding],
  ['transfer-encoding', F.transferEncoding],
  ['upgrade', F.upgrade],
  ['user-agent', F.userAgent],
  ['host', F.host],
  ['connection', F.connection],
  ['cookie', F.cookie],
  ['accept', F.accept],
  ['referer', F.referer],
  ['accept-language', F.acceptLanguage],
  ['accept-encoding', F.acceptEncoding],
  ['date', F.date],
  ['cache-control', F.cacheControl],
  ['server', F.server],
  ['location', F.location],
  ['sec-websocket-accept', F.secWebsocketAccept],
  ['sec-websocket-extensions', F.secWebsocketExtensions],
  ['sec-websocket-key', F.secWebsocketKey],
  ['sec-websocket-protocol', F.secWebsocketProtocol],
  ['sec-websocket-version', F.secWebsocketVersion],
  ['set-cookie', F.setCookie],
  ['last-modified', F.lastModified],
  ['x-forwarded-for', F.xForwardedFor],
  ['http2-settings', F.http2Settings],
]);

/** Request methods Wireshark recognises at the start of a line (RFC 9110 and WebDAV). */
const METHODS = new Set([
  'GET', 'PUT', 'POST', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL',
  'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'M-SEARCH', 'REPORT', 'CHECKIN',
  'CHECKOUT', 'MERGE', 'MKACTIVITY', 'MKWORKSPACE', 'ACL', 'MKCALENDAR', 'POLL',
]);

/** One request and the response to it, in conversation order. */
interface ReqRes {
  readonly number: number;
  reqFrame: number;
  reqTime: bigint | null;
  resFrame: number;
  /** The full URI (or the URI when there was no Host) for `http.response_for.uri`. */
  uri: string | null;
  method: string | null;
  prev: ReqRes | null;
  next: ReqRes | null;
}

interface Conv {
  count: number;
  tail: ReqRes | null;
  /** A request was seen: later non-HTTP-looking segments are continuations. */
  seenRequest: boolean;
}

interface HttpState {
  readonly convs: Map<string, Conv>;
  /** Frame number and message index → its request/response pair. */
  readonly frames: Map<string, ReqRes>;
}

type LineKind = 'request' | 'response' | null;

function isPrint(c: number): boolean {
  return c >= 0x20 && c < 0x7f;
}

/** Where the line starting at `from` ends (its CR or LF), or -1 before `end`. */
function lineEnd(b: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === 0x0a || b[i] === 0x0d) return i;
  return -1;
}

/** The offset after the line terminator at `eol` (CRLF, LF, or a lone CR). */
function nextLine(b: Uint8Array, eol: number, end: number): number {
  if (b[eol] === 0x0d && eol + 1 < end && b[eol + 1] === 0x0a) return eol + 2;
  return eol + 1;
}

function lineKind(b: Uint8Array, start: number, eol: number): LineKind {
  const len = eol - start;
  if (len >= 5 && b[start] === 0x48 && b[start + 1] === 0x54 && b[start + 2] === 0x54 && b[start + 3] === 0x50 && b[start + 4] === 0x2f) {
    return 'response';
  }
  let sp = start;
  while (sp < eol && sp - start < 20 && b[sp] !== 0x20) sp++;
  if (sp >= eol || b[sp] !== 0x20) return null;
  return METHODS.has(latin1(b, start, sp)) ? 'request' : null;
}

/** Wireshark's format_text: printable ASCII as is, C escapes for the rest. */
export function formatText(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (isPrint(c)) s += String.fromCharCode(c);
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else s += `\\${c.toString(8).padStart(3, '0')}`;
  }
  return s;
}

/** The TCP heuristic (dissect_http_heur_tcp): a first line that starts or ends with `HTTP/1.`. */
function looksLikeHttp(ctx: DissectContext, offset: number, end: number): boolean {
  const b = ctx.bytes;
  const stop = Math.min(end, b.length);
  const eol = lineEnd(b, offset, stop);
  if (eol < 0) return false;
  const len = eol - offset;
  if (len === 8 || len < 7) return false;
  const http1 = (at: number) =>
    (b[at] | 0x20) === 0x68 && (b[at + 1] | 0x20) === 0x74 && (b[at + 2] | 0x20) === 0x74 && (b[at + 3] | 0x20) === 0x70 && b[at + 4] === 0x2f && b[at + 5] === 0x31 && b[at + 6] === 0x2e;
  return http1(offset) || (len >= 8 && http1(eol - 8));
}

export const http = defineProtocol({
  abbrev: 'http',
  calls: { protocols: ['data-text-lines', 'data'] },
  name: 'Hypertext Transfer Protocol',
  short: 'HTTP',
  fields: F,
  handoffs: HTTP_TCP_PORTS.map((p) => ['tcp.port', p] as const),
  heuristics: [['tcp', looksLikeHttp]],
  dissect(ctx, offset, end, data) {
    const stop = Math.min(end, ctx.bytes.length);
    const st = ctx.state.get<HttpState>('http', () => ({ convs: new Map(), frames: new Map() }));
    const key = conversationKey(data, ctx, offset).key;
    let conv = st.convs.get(key);
    if (!conv) st.convs.set(key, (conv = { count: 0, tail: null, seenRequest: false }));
    let at = offset;
    let index = 0;
    while (at < stop) {
      const used = dissectMessage(ctx, at, stop, conv, st, index++);
      if (used <= 0) break;
      at += used;
    }
  },
});

/** Dissects one message at `start`; returns the bytes it took, or 0 when it is not HTTP. */
function dissectMessage(ctx: DissectContext, start: number, end: number, conv: Conv, st: HttpState, index: number): number {
  const b = ctx.bytes;
  const tree = ctx.tree;
  const cols = ctx.wantColumns;
  let at = start;
  let leadingCrlf = false;
  if (end - at > 3 && b[at] === 0x0d && b[at + 1] === 0x0a) {
    leadingCrlf = true;
    at += 2;
  }
  if (!isPrint(b[at])) {
    if (!conv.seenRequest) return 0;
    continuation(ctx, at, end);
    return end - start;
  }
  const firstEol = lineEnd(b, at, end);
  const kind = firstEol < 0 ? null : lineKind(b, at, firstEol);
  if (!kind) {
    if (!conv.seenRequest) return 0;
    continuation(ctx, at, end);
    return end - start;
  }
  // A head or body that goes on in a later segment: Wireshark puts the first line in Info, then
  // holds the segment for reassembly and shows no HTTP in it (TCP appends `[TCP segment of a
  // reassembled PDU]`, which needs TCP reassembly). Without reassembly we show nothing more.
  if (!complete(b, at, end, kind, conv)) {
    if (cols && index === 0) ctx.setInfo(`${formatText(b, at, firstEol)} `);
    return 0;
  }

  if (cols) {
    ctx.setProtocolColumn('HTTP');
    const first = `${formatText(b, at, firstEol)} `;
    if (index === 0) ctx.setInfo(first);
    else ctx.columns.info += first;
  }
  // One `http` layer per segment in frame.protocols, however many messages it holds.
  if (index === 0) ctx.openProtocol(http.proto, at, end - at);
  else {
    ctx.value(http.proto, at, end - at, null);
    ctx.enter();
  }
  if (leadingCrlf) {
    const opened = textItem(ctx, F.leadingCrlf.name, at - 2, 2);
    if (opened) ctx.enter();
    ctx.expert(Severity.error, Group.malformed, F.leadingCrlf.name, at - 2, 2, F.leadingCrlf);
    if (opened) ctx.leave();
  }

  let host: string | null = null;
  let uri: string | null = null;
  let method: string | null = null;
  let status = 0;
  let mediaType: string | null = null;
  let contentLength = -1;
  let line = at;
  let bodyStart = end;
  while (line < end) {
    const eol = lineEnd(b, line, end);
    if (eol < 0) break; // a head cut by the segment end: Wireshark would reassemble
    const next = nextLine(b, eol, end);
    if (eol === line) {
      textItem(ctx, formatText(b, line, next), line, next - line);
      bodyStart = next;
      break;
    }
    if (line === at) {
      const text = formatText(b, line, next);
      const opened = textItem(ctx, text, line, next - line);
      if (opened) ctx.enter();
      ctx.expert(Severity.chat, Group.sequence, text, line, next - line, F.chat);
      if (kind === 'request') ({ method, uri } = requestLine(ctx, line, eol));
      else status = responseLine(ctx, line, eol);
      if (opened) ctx.leave();
    } else {
      const h = header(ctx, line, eol, next, kind);
      if (h.name === 'host') host = h.value;
      else if (h.name === 'content-type') mediaType = h.value.split(';')[0].trim().toLowerCase();
      else if (h.name === 'content-length' && /^\d+$/.test(h.value)) contentLength = Number(h.value);
    }
    line = next;
  }

  let fullUri: string | null = null;
  if (host !== null && uri !== null) {
    fullUri = /^https?:\/\//i.test(uri) || method === 'CONNECT' ? uri : `http://${host.trim()}${uri}`;
    ctx.value(F.fullUri, at, 0, fullUri);
    if (tree) ctx.label(`Full request URI: ${fullUri}`);
  }

  const rr = track(ctx, st, conv, index, kind, method, fullUri ?? uri);
  if (kind === 'request') requestLinks(ctx, rr, at);
  else responseLinks(ctx, rr, at);

  // The body: Content-Length bytes; a response without one runs to the end of the segment.
  let bodyLen = 0;
  if (bodyStart < end) {
    const noBody = kind === 'response' && (status < 200 || status === 204 || status === 304 || rr.method === 'HEAD');
    if (contentLength >= 0) bodyLen = Math.min(contentLength, end - bodyStart);
    else if (kind === 'response' && !noBody) bodyLen = end - bodyStart;
  }
  const messageEnd = bodyStart + bodyLen;
  ctx.setLength(messageEnd - at);
  if (bodyLen > 0) {
    ctx.value(F.fileData, bodyStart, bodyLen, ctx.sink.wants(F.fileData) ? latin1(b, bodyStart, bodyStart + bodyLen) : null);
    if (tree) ctx.label(`File Data: ${bodyLen} bytes`);
  }
  ctx.leave();
  if (bodyLen > 0) {
    if (mediaType !== null && isTextMedia(mediaType)) {
      if (cols) ctx.columns.info += ` (${mediaType})`;
      ctx.tables.run(ctx, dataTextLines, bodyStart, messageEnd, mediaType);
    } else {
      ctx.data(bodyStart, messageEnd);
    }
  }
  return messageEnd - start;
}

const CONTENT_LENGTH = 'content-length:';
const TRANSFER_ENCODING = 'transfer-encoding:';

/** Case-insensitive: does the line at `at` start with `name` (lower case, ASCII)? */
function startsWithName(b: Uint8Array, at: number, end: number, name: string): boolean {
  if (at + name.length > end) return false;
  for (let i = 0; i < name.length; i++) if ((b[at + i] | 0x20) !== name.charCodeAt(i) && b[at + i] !== name.charCodeAt(i)) return false;
  return true;
}

/**
 * Whether the whole message is in `[at, end)`: the head up to its empty line, and the body
 * Content-Length gives; a response without one (other than 1xx, 204, 304 or to HEAD) runs to the
 * end of the connection, a chunked one to its last chunk, so neither is complete here.
 */
function complete(b: Uint8Array, at: number, end: number, kind: LineKind, conv: Conv): boolean {
  let line = at;
  let length = -1;
  let chunked = false;
  let status = 0;
  for (;;) {
    const eol = lineEnd(b, line, end);
    if (eol < 0) return false;
    if (eol === line) {
      line = nextLine(b, eol, end);
      break;
    }
    if (line === at && kind === 'response') {
      let sp = line;
      while (sp < eol && b[sp] !== 0x20) sp++;
      status = Number(latin1(b, sp + 1, Math.min(sp + 4, eol)));
    } else if (startsWithName(b, line, eol, CONTENT_LENGTH)) {
      const v = latin1(b, line + CONTENT_LENGTH.length, eol).trim();
      if (/^\d+$/.test(v)) length = Number(v);
    } else if (startsWithName(b, line, eol, TRANSFER_ENCODING)) {
      chunked = /chunked/i.test(latin1(b, line + TRANSFER_ENCODING.length, eol));
    }
    line = nextLine(b, eol, end);
  }
  if (chunked) return false;
  if (length >= 0) return line + length <= end;
  if (kind === 'request') return true;
  const toHead = conv.tail !== null && conv.tail.resFrame === 0 && conv.tail.method === 'HEAD';
  return status < 200 || status === 204 || status === 304 || toHead;
}

/** Media types Wireshark 4.0 gives to `data-text-lines` (text/xml goes to its XML dissector). */
function isTextMedia(type: string): boolean {
  return type.startsWith('text/') && type !== 'text/xml';
}

function continuation(ctx: DissectContext, at: number, end: number): void {
  if (ctx.wantColumns) {
    ctx.setProtocolColumn('HTTP');
    ctx.setInfo('Continuation');
  }
  ctx.openProtocol(http.proto, at, end - at);
  ctx.data(at, end);
  ctx.leave();
}

function requestLine(ctx: DissectContext, start: number, eol: number): { method: string; uri: string } {
  const b = ctx.bytes;
  const sp1 = b.indexOf(0x20, start);
  let sp2 = sp1 + 1;
  while (sp2 < eol && b[sp2] !== 0x20) sp2++;
  const method = latin1(b, start, sp1);
  const uri = latin1(b, sp1 + 1, sp2);
  ctx.value(F.method, start, sp1 - start, method);
  ctx.value(F.uri, sp1 + 1, sp2 - sp1 - 1, uri);
  const q = uri.indexOf('?');
  if (q >= 0) {
    ctx.enter();
    ctx.value(F.uriPath, sp1 + 1, q, uri.slice(0, q));
    const query = uri.slice(q + 1);
    ctx.value(F.uriQuery, sp1 + 2 + q, query.length, query);
    ctx.enter();
    let off = sp1 + 2 + q;
    for (const param of query.split('&')) {
      ctx.value(F.uriQueryParameter, off, param.length, param);
      off += param.length + 1;
    }
    ctx.leave();
    ctx.leave();
  }
  if (sp2 < eol) ctx.value(F.requestVersion, sp2 + 1, eol - sp2 - 1, latin1(b, sp2 + 1, eol));
  return { method, uri };
}

function responseLine(ctx: DissectContext, start: number, eol: number): number {
  const b = ctx.bytes;
  let sp1 = start;
  while (sp1 < eol && b[sp1] !== 0x20) sp1++;
  ctx.value(F.responseVersion, start, sp1 - start, latin1(b, start, sp1));
  if (sp1 + 4 > eol) return 0;
  const code = Number(latin1(b, sp1 + 1, sp1 + 4));
  if (!Number.isInteger(code)) return 0;
  ctx.value(F.code, sp1 + 1, 3, code);
  const desc = HTTP_STATUS_VALS[code] ?? `Unknown (${code})`;
  ctx.value(F.codeDesc, sp1 + 1, 3, desc);
  if (ctx.tree) ctx.label(`Status Code Description: ${desc}`);
  const phraseStart = Math.min(sp1 + 5, eol);
  ctx.value(F.phrase, phraseStart, eol - phraseStart, latin1(b, phraseStart, eol));
  return code;
}

/** One header line: its named field (if Wireshark has one) and the hidden whole-line field. */
function header(ctx: DissectContext, line: number, eol: number, next: number, kind: LineKind): { name: string; value: string } {
  const b = ctx.bytes;
  const text = ctx.tree ? formatText(b, line, next) : '';
  let colon = line;
  while (colon < eol && b[colon] !== 0x3a) colon++;
  const name = latin1(b, line, colon).toLowerCase();
  let vs = colon + 1;
  while (vs < eol && (b[vs] === 0x20 || b[vs] === 0x09)) vs++;
  let ve = eol;
  while (ve > vs && (b[ve - 1] === 0x20 || b[ve - 1] === 0x09)) ve--;
  const value = latin1(b, vs, ve);
  const field = colon < eol ? KNOWN_HEADERS.get(name) : undefined;
  if (field) {
    ctx.value(field, line, next - line, value);
    if (ctx.tree) ctx.label(text);
    if (field === F.contentLengthHeader && /^\d+$/.test(value)) {
      ctx.enter();
      ctx.value(F.contentLength, vs, ve - vs, Number(value));
      if (ctx.tree) ctx.label(`Content length: ${value}`);
      ctx.leave();
    } else if (field === F.cookie) {
      ctx.enter();
      let off = vs;
      for (const pair of value.split(';')) {
        const trimmed = pair.trim();
        const lead = pair.length - pair.trimStart().length;
        ctx.value(F.cookiePair, off + lead, trimmed.length, trimmed);
        off += pair.length + 1;
      }
      ctx.leave();
    }
  }
  const lineField = kind === 'request' ? F.requestLine : F.responseLine;
  ctx.value(lineField, line, next - line, ctx.tree || ctx.sink.wants(lineField) ? latin1(b, line, next) : null);
  if (field) ctx.hide();
  else if (ctx.tree) ctx.label(text);
  return { name, value };
}

/** Pairs requests and responses in conversation order (push_req / push_res). */
function track(ctx: DissectContext, st: HttpState, conv: Conv, index: number, kind: LineKind, method: string | null, uri: string | null): ReqRes {
  const key = `${ctx.frame.number}/${index}`;
  const known = st.frames.get(key);
  if (known) return known;
  const now = BigInt(ctx.frame.tsSec) * 1_000_000_000n + BigInt(ctx.frame.tsNsec);
  let rr: ReqRes;
  const push = (): ReqRes => {
    const r: ReqRes = { number: ++conv.count, reqFrame: 0, reqTime: null, resFrame: 0, uri: null, method: null, prev: conv.tail, next: null };
    if (conv.tail) conv.tail.next = r;
    conv.tail = r;
    return r;
  };
  if (kind === 'request') {
    rr = push();
    rr.reqFrame = ctx.frame.number;
    rr.reqTime = now;
    rr.uri = uri;
    rr.method = method;
    conv.seenRequest = true;
  } else {
    rr = conv.tail && conv.tail.resFrame === 0 ? conv.tail : push();
    rr.resFrame = ctx.frame.number;
  }
  st.frames.set(key, rr);
  return rr;
}

function frameLink(ctx: DissectContext, field: FieldDef, frame: number, at: number): void {
  ctx.value(field, at, 0, frame);
  if (ctx.tree) ctx.label(`${field.name}: ${frame}`);
}

function requestLinks(ctx: DissectContext, rr: ReqRes, at: number): void {
  ctx.value(F.request, at, 0, 1);
  ctx.value(F.requestNumber, at, 0, rr.number);
  if (ctx.tree) ctx.label(`HTTP request ${rr.number}/${lastNumber(rr)}`);
  if (rr.prev && rr.prev.reqFrame) frameLink(ctx, F.prevRequestIn, rr.prev.reqFrame, at);
  if (rr.resFrame && rr.resFrame !== ctx.frame.number) frameLink(ctx, F.responseIn, rr.resFrame, at);
  if (rr.next && rr.next.reqFrame) frameLink(ctx, F.nextRequestIn, rr.next.reqFrame, at);
}

function responseLinks(ctx: DissectContext, rr: ReqRes, at: number): void {
  ctx.value(F.response, at, 0, 1);
  ctx.value(F.responseNumber, at, 0, rr.number);
  if (ctx.tree) ctx.label(`HTTP response ${rr.number}/${lastNumber(rr)}`);
  if (rr.reqTime !== null) {
    const delta = BigInt(ctx.frame.tsSec) * 1_000_000_000n + BigInt(ctx.frame.tsNsec) - rr.reqTime;
    ctx.value(F.time, at, 0, delta);
    if (ctx.tree) ctx.label(`Time since request: ${relTimeText(delta)} seconds`);
  }
  if (rr.prev && rr.prev.reqFrame) frameLink(ctx, F.prevRequestIn, rr.prev.reqFrame, at);
  if (rr.prev && rr.prev.resFrame) frameLink(ctx, F.prevResponseIn, rr.prev.resFrame, at);
  if (rr.reqFrame) {
    frameLink(ctx, F.requestIn, rr.reqFrame, at);
    if (rr.uri !== null) {
      ctx.value(F.responseForUri, at, 0, rr.uri);
      if (ctx.tree) ctx.label(`Request URI: ${rr.uri}`);
    }
  }
  if (rr.next && rr.next.reqFrame) frameLink(ctx, F.nextRequestIn, rr.next.reqFrame, at);
  if (rr.next && rr.next.resFrame) frameLink(ctx, F.nextResponseIn, rr.next.resFrame, at);
}

function lastNumber(rr: ReqRes): number {
  let r = rr;
  while (r.next) r = r.next;
  return r.number;
}

const TEXT = defineFields('data-text-lines', {});

/** `Line-based text data`: a text body shown line by line (packet-text-media.c). */
export const dataTextLines = defineProtocol({
  abbrev: 'data-text-lines',
  calls: {},
  name: 'Line-based text data',
  short: 'Line-based text data',
  fields: TEXT,
  dissect(ctx, offset, end, data) {
    const b = ctx.bytes;
    const stop = Math.min(end, b.length);
    ctx.openProtocol(dataTextLines.proto, offset, stop - offset);
    if (!ctx.tree) {
      ctx.leave();
      return;
    }
    let lines = 0;
    const starts: number[] = [];
    for (let at = offset; at < stop; ) {
      starts.push(at);
      const eol = lineEnd(b, at, stop);
      at = eol < 0 ? stop : nextLine(b, eol, stop);
      lines++;
    }
    ctx.label(`Line-based text data: ${typeof data === 'string' ? data : 'text/plain'} (${lines} lines)`);
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i];
      const e = i + 1 < starts.length ? starts[i + 1] : stop;
      textItem(ctx, formatText(b, s, e), s, e - s);
    }
    ctx.leave();
  },
});
