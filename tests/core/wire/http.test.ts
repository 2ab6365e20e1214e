import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { latin1 } from '../../../core/base/bytes.ts';
import { HttpRepr, HttpView, type HttpRepr as HttpReprT } from '../../../core/wire/http.ts';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

const REQUEST = ascii('GET /index.html?x=1 HTTP/1.1\r\nHost: web.internal\r\nUser-Agent:curl/8.0 \r\nAccept: */*\r\n\r\n');
const RESPONSE = ascii('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nnope!extra');

function view(bytes: Uint8Array): HttpView {
  const v = HttpView.checked(bytes);
  if (!v.ok) throw new Error(v.error.message);
  return v.value;
}

describe('HttpView', () => {
  it('deconstructs a request head', () => {
    const v = view(REQUEST);
    expect([v.isRequest, v.method, v.target, v.version]).toEqual([true, 'GET', '/index.html?x=1', 'HTTP/1.1']);
    expect(v.headers).toEqual([
      { name: 'Host', value: 'web.internal' },
      { name: 'User-Agent', value: 'curl/8.0' },
      { name: 'Accept', value: '*/*' },
    ]);
    expect(v.header('host')).toBe('web.internal');
    expect(v.headerLen).toBe(REQUEST.length);
    expect(v.contentLength).toBeNull();
    expect(v.body.length).toBe(0);
  });

  it('finds the body by Content-Length, also in a subarray', () => {
    const buf = new Uint8Array(9 + RESPONSE.length);
    buf.set(RESPONSE, 9);
    const v = view(buf.subarray(9));
    expect([v.isRequest, v.version, v.status, v.reason]).toEqual([false, 'HTTP/1.1', 404, 'Not Found']);
    expect(v.contentLength).toBe(5);
    expect(latin1(v.body)).toBe('nope!');
    expect(v.bodyComplete).toBe(true);
    expect(v.messageLen).toBe(RESPONSE.length - 5);
    expect(view(RESPONSE.subarray(0, RESPONSE.length - 8)).bodyComplete).toBe(false);
  });

  it('rejects what is not an HTTP head', () => {
    expect(HttpView.checked(ascii('GET / HTTP/1.1\r\nHost: a\r\n'))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(HttpView.checked(ascii('GET /\r\n\r\n'))).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    expect(HttpView.checked(ascii('HTTP/1.1 20 OK\r\n\r\n'))).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    expect(HttpView.checked(ascii('GET / HTTP/1.1\r\nno colon here\r\n\r\n'))).toMatchObject({ ok: false, error: { code: 'bad-value', offset: 16 } });
    expect(HttpView.checked(Uint8Array.of(0x0d, 0x0a, 0x0d, 0x0a, 0x00))).toMatchObject({ ok: false });
  });
});

describe('HttpRepr', () => {
  it('parses and emits a response into a 0xa5-filled buffer', () => {
    const repr = HttpRepr.parse(view(RESPONSE));
    const expected: HttpReprT = {
      kind: 'response',
      version: 'HTTP/1.1',
      status: 404,
      reason: 'Not Found',
      headers: [
        { name: 'Content-Type', value: 'text/plain' },
        { name: 'Content-Length', value: '5' },
      ],
    };
    expect(repr).toEqual({ ok: true, value: expected });
    const buf = new Uint8Array(HttpRepr.bufferLen(expected, 5) + 3).fill(0xa5);
    const n = HttpRepr.emit(expected, buf, ascii('nope!'));
    expect(n).toBe(RESPONSE.length - 5);
    expect(latin1(buf.subarray(0, n))).toBe(latin1(RESPONSE.subarray(0, n)));
    expect([...buf.subarray(n)]).toEqual([0xa5, 0xa5, 0xa5]);
  });

  it('refuses to emit text that would break the framing', () => {
    const bad: HttpReprT = { kind: 'request', method: 'GET', target: '/a b', version: 'HTTP/1.1', headers: [] };
    expect(() => HttpRepr.emit(bad, new Uint8Array(100))).toThrow(RangeError);
    const inj: HttpReprT = { kind: 'request', method: 'GET', target: '/', version: 'HTTP/1.1', headers: [{ name: 'X', value: 'a\r\nEvil: 1' }] };
    expect(() => HttpRepr.emit(inj, new Uint8Array(100))).toThrow(RangeError);
  });
});

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}$/);
const value = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/).filter((s) => s.length > 0);
const headers = fc.array(fc.record({ name: token, value }), { maxLength: 5 });
const reprArb: fc.Arbitrary<HttpReprT> = fc.oneof(
  fc.record({
    kind: fc.constant('request' as const),
    method: token,
    target: fc.stringMatching(/^\/[\x21-\x7e]{0,20}$/),
    version: fc.constantFrom('HTTP/1.0', 'HTTP/1.1'),
    headers,
  }),
  fc.record({
    kind: fc.constant('response' as const),
    version: fc.constantFrom('HTTP/1.0', 'HTTP/1.1'),
    status: fc.integer({ min: 100, max: 599 }),
    reason: fc.stringMatching(/^([\x21-\x7e][\x20-\x7e]{0,15})?$/),
    headers,
  }),
);

describe('HTTP properties', () => {
  it('parse(emit(repr)) equals repr', () => {
    fc.assert(
      fc.property(reprArb, fc.uint8Array({ maxLength: 10 }), (repr, body) => {
        const buf = new Uint8Array(HttpRepr.bufferLen(repr, body.length));
        HttpRepr.emit(repr, buf, body);
        const v = HttpView.checked(buf);
        if (!v.ok) throw new Error(v.error.message);
        expect(HttpRepr.parse(v.value)).toEqual({ ok: true, value: repr });
        expect(v.value.headerLen).toBe(HttpRepr.headerLen(repr));
      }),
    );
  });

  it('random and truncated bytes never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 60 }), fc.string({ maxLength: 60 }).map(ascii)), fc.nat(), (bytes, n) => {
        for (const b of [bytes, REQUEST.subarray(0, n % REQUEST.length), RESPONSE.subarray(0, n % RESPONSE.length)]) {
          const v = HttpView.checked(b);
          if (v.ok) void [HttpRepr.parse(v.value), v.value.body, v.value.contentLength, v.value.bodyComplete];
        }
      }),
    );
  });
});
