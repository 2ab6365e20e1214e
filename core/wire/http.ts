import { latin1 } from '../base/bytes.ts';
import { ok, type Result } from '../base/result.ts';
import { type WireError, wireError } from './error.ts';

/**
 * HTTP/1.1 message heads (RFC 9112): a request line or status line, header fields, an empty line,
 * then a body whose length Content-Length gives. Text is Latin-1, one char per byte. Only what the
 * lab's curl and HTTP server exchange is modelled: no chunked coding, no obsolete line folding.
 */
export const HTTP_PORT = 80;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const COLON = 0x3a;

/** RFC 9110 token characters (method and header names). */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

/** Where the first line ends (index of its CR or LF), or -1. */
export function httpLineEnd(bytes: Uint8Array, from: number, end = bytes.length): number {
  for (let i = from; i < end; i++) if (bytes[i] === LF || bytes[i] === CR) return i;
  return -1;
}

/** The offset after the line ending at `eol` (CRLF, or a bare LF). */
function afterEol(bytes: Uint8Array, eol: number): number {
  return bytes[eol] === CR && bytes[eol + 1] === LF ? eol + 2 : eol + 1;
}

function isToken(bytes: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (!TCHAR[bytes[i]]) return false;
  return true;
}

/** `HTTP/1.1`: the version token of a request or status line. */
function isVersion(bytes: Uint8Array, start: number, end: number): boolean {
  return (
    end - start === 8 &&
    bytes[start] === 0x48 && bytes[start + 1] === 0x54 && bytes[start + 2] === 0x54 && bytes[start + 3] === 0x50 &&
    bytes[start + 4] === 0x2f && isDigit(bytes[start + 5]) && bytes[start + 6] === 0x2e && isDigit(bytes[start + 7])
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

/**
 * A read-only view over a message head. `checked` finds every line and checks the start line and
 * the header syntax; afterwards getters only slice and decode. The body may be incomplete (a
 * message split over TCP segments): `bodyComplete` says so.
 */
export class HttpView {
  protected constructor(
    readonly bytes: Uint8Array,
    /** Request (true) or response (false). */
    readonly isRequest: boolean,
    /** Offsets of the three start-line parts: [a, aEnd, b, bEnd, c, cEnd]. */
    private readonly start: Int32Array,
    /** Per header line: name start, name end, value start, value end. */
    private readonly fields: Int32Array,
    /** Length of the head including the empty line. */
    readonly headerLen: number,
  ) {}

  static checked(bytes: Uint8Array): Result<HttpView, WireError> {
    const eol = httpLineEnd(bytes, 0);
    if (eol < 0) return wireError('truncated', 'HTTP start line has no line end', bytes.length);
    const sp1 = bytes.indexOf(SP, 0);
    if (sp1 < 0 || sp1 >= eol) return wireError('bad-value', 'HTTP start line has no space', 0);
    const sp2 = bytes.indexOf(SP, sp1 + 1);
    const start = new Int32Array(6);
    let isRequest: boolean;
    if (isVersion(bytes, 0, sp1)) {
      // status-line = HTTP-version SP 3DIGIT SP [reason-phrase]
      if (sp1 + 4 > eol || !isDigit(bytes[sp1 + 1]) || !isDigit(bytes[sp1 + 2]) || !isDigit(bytes[sp1 + 3])) {
        return wireError('bad-value', 'HTTP status code is not three digits', sp1 + 1);
      }
      if (sp1 + 4 < eol && bytes[sp1 + 4] !== SP) return wireError('bad-value', 'HTTP status code is not three digits', sp1 + 1);
      isRequest = false;
      start.set([0, sp1, sp1 + 1, sp1 + 4, Math.min(sp1 + 5, eol), eol]);
    } else {
      // request-line = method SP request-target SP HTTP-version
      if (!isToken(bytes, 0, sp1)) return wireError('bad-value', 'HTTP method is not a token', 0);
      if (sp2 < 0 || sp2 >= eol || sp2 === sp1 + 1) return wireError('bad-value', 'HTTP request line needs a target and a version', sp1);
      if (!isVersion(bytes, sp2 + 1, eol)) return wireError('bad-value', 'HTTP request line does not end in a version', sp2 + 1);
      isRequest = true;
      start.set([0, sp1, sp1 + 1, sp2, sp2 + 1, eol]);
    }
    const fields: number[] = [];
    let at = afterEol(bytes, eol);
    for (;;) {
      if (at >= bytes.length) return wireError('truncated', 'HTTP head has no empty line', bytes.length);
      const lineEnd = httpLineEnd(bytes, at);
      if (lineEnd < 0) return wireError('truncated', 'HTTP header line has no line end', bytes.length);
      if (lineEnd === at) {
        at = afterEol(bytes, lineEnd);
        break;
      }
      const colon = bytes.indexOf(COLON, at);
      if (colon < 0 || colon > lineEnd || !isToken(bytes, at, colon)) return wireError('bad-value', 'HTTP header line is not `name: value`', at);
      let vs = colon + 1;
      let ve = lineEnd;
      while (vs < ve && (bytes[vs] === SP || bytes[vs] === 0x09)) vs++;
      while (ve > vs && (bytes[ve - 1] === SP || bytes[ve - 1] === 0x09)) ve--;
      fields.push(at, colon, vs, ve);
      at = afterEol(bytes, lineEnd);
    }
    return ok(new HttpView(bytes, isRequest, start, Int32Array.from(fields), at));
  }

  private part(i: number): string {
    return latin1(this.bytes, this.start[i * 2], this.start[i * 2 + 1]);
  }

  /** Requests: the method; responses: ''. */
  get method(): string {
    return this.isRequest ? this.part(0) : '';
  }

  get target(): string {
    return this.isRequest ? this.part(1) : '';
  }

  get version(): string {
    return this.isRequest ? this.part(2) : this.part(0);
  }

  /** Responses: the status code; requests: 0. */
  get status(): number {
    return this.isRequest ? 0 : Number(this.part(1));
  }

  get reason(): string {
    return this.isRequest ? '' : this.part(2);
  }

  /** Where the start line ends (its CR). */
  get startLineEnd(): number {
    return this.start[5];
  }

  get headerCount(): number {
    return this.fields.length / 4;
  }

  headerName(i: number): string {
    return latin1(this.bytes, this.fields[i * 4], this.fields[i * 4 + 1]);
  }

  headerValue(i: number): string {
    return latin1(this.bytes, this.fields[i * 4 + 2], this.fields[i * 4 + 3]);
  }

  /** Byte range of header line i: [start, end of its value]. */
  headerRange(i: number): [number, number] {
    return [this.fields[i * 4], this.fields[i * 4 + 3]];
  }

  /** The first header with this name (case-insensitive), or null. */
  header(name: string): string | null {
    const want = name.toLowerCase();
    for (let i = 0; i < this.headerCount; i++) if (this.headerName(i).toLowerCase() === want) return this.headerValue(i);
    return null;
  }

  get headers(): HttpHeader[] {
    const out: HttpHeader[] = [];
    for (let i = 0; i < this.headerCount; i++) out.push({ name: this.headerName(i), value: this.headerValue(i) });
    return out;
  }

  /** Content-Length as a number, or null when absent or not a decimal number. */
  get contentLength(): number | null {
    const v = this.header('content-length');
    return v !== null && /^\d{1,15}$/.test(v) ? Number(v) : null;
  }

  /** The body bytes present (Content-Length of them, or all that follow without one). */
  get body(): Uint8Array {
    const n = this.contentLength;
    return this.bytes.subarray(this.headerLen, n === null ? this.bytes.length : Math.min(this.bytes.length, this.headerLen + n));
  }

  /** Whether all Content-Length bytes of the body are present. */
  get bodyComplete(): boolean {
    const n = this.contentLength;
    return n === null || this.headerLen + n <= this.bytes.length;
  }

  /** Bytes of the whole message (head + Content-Length), or null when the length is unknown. */
  get messageLen(): number | null {
    const n = this.contentLength;
    return n === null ? null : this.headerLen + n;
  }
}

export interface HttpRequestRepr {
  readonly kind: 'request';
  readonly method: string;
  readonly target: string;
  readonly version: string;
  readonly headers: readonly HttpHeader[];
}

export interface HttpResponseRepr {
  readonly kind: 'response';
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly HttpHeader[];
}

export type HttpRepr = HttpRequestRepr | HttpResponseRepr;

function headText(repr: HttpRepr): string {
  let s =
    repr.kind === 'request'
      ? `${repr.method} ${repr.target} ${repr.version}\r\n`
      : `${repr.version} ${String(repr.status).padStart(3, '0')} ${repr.reason}\r\n`;
  for (const h of repr.headers) s += `${h.name}: ${h.value}\r\n`;
  return `${s}\r\n`;
}

function checkText(s: string, what: string, allowSpace: boolean): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || c === CR || c === LF || (!allowSpace && c === SP)) throw new RangeError(`bad character in HTTP ${what}`);
  }
}

function validate(repr: HttpRepr): void {
  if (!/^HTTP\/\d\.\d$/.test(repr.version)) throw new RangeError(`bad HTTP version ${repr.version}`);
  if (repr.kind === 'request') {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(repr.method)) throw new RangeError(`bad HTTP method ${repr.method}`);
    if (repr.target.length === 0) throw new RangeError('empty HTTP target');
    checkText(repr.target, 'target', false);
  } else {
    if (!Number.isInteger(repr.status) || repr.status < 0 || repr.status > 999) throw new RangeError(`bad HTTP status ${repr.status}`);
    checkText(repr.reason, 'reason', true);
  }
  for (const h of repr.headers) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(h.name)) throw new RangeError(`bad HTTP header name ${h.name}`);
    checkText(h.value, 'header value', true);
    if (/^[ \t]|[ \t]$/.test(h.value)) throw new RangeError('HTTP header values carry no outer whitespace');
  }
}

export const HttpRepr = {
  parse(view: HttpView): Result<HttpRepr, WireError> {
    const headers = view.headers;
    if (view.isRequest) return ok({ kind: 'request', method: view.method, target: view.target, version: view.version, headers });
    return ok({ kind: 'response', version: view.version, status: view.status, reason: view.reason, headers });
  },
  /** Bytes of the head (start line, headers, empty line). */
  headerLen(repr: HttpRepr): number {
    return headText(repr).length;
  },
  bufferLen(repr: HttpRepr, bodyLen: number): number {
    return headText(repr).length + bodyLen;
  },
  /** Writes the head and then `body` into `bytes`; returns the bytes written. */
  emit(repr: HttpRepr, bytes: Uint8Array, body: Uint8Array = new Uint8Array(0)): number {
    validate(repr);
    const text = headText(repr);
    if (bytes.length < text.length + body.length) throw new RangeError('HTTP emit buffer too small');
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    bytes.set(body, text.length);
    return text.length + body.length;
  },
};
