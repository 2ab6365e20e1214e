import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NullSink } from '../../../core/dissect/sink.ts';
import { treeText } from '../../../core/dissect/tree-text.ts';
import { recordsOf } from '../../support/capture.ts';
import { ascii, tcpFrame } from './tunnel-frames.ts';
import { compareColumns, compareFields, newEngine, oracle } from './tunnel-oracle.ts';

describe('http dissector', () => {
  it('dissects a request: request line, headers, full URI', () => {
    const r = oracle().byName('http-request');
    expect(r.ourColumns).toEqual({ protocol: 'HTTP', info: 'GET / HTTP/1.1 ' });
    expect(r.ours.get('http.request.method')).toEqual(['GET']);
    expect(r.ours.get('http.host')).toEqual(['web.internal']);
    expect(r.ours.get('http.request.line')).toEqual(['Host: web.internal\r\n', 'User-Agent: curl/8.0\r\n', 'Accept: */*\r\n']);
    expect(r.ours.get('http.request.full_uri')).toEqual(['http://web.internal/']);
    expect(r.ours.get('_ws.expert.message')).toEqual(['GET / HTTP/1.1\\r\\n']);
    const text = treeText(r.ourTree);
    expect(text).toContain('    GET / HTTP/1.1\\r\\n');
    expect(text).toContain('    Host: web.internal\\r\\n');
    expect(text).toContain('    [HTTP request 1/1]');
  });

  it('pairs the response with its request and hands text bodies to data-text-lines', () => {
    const o = oracle();
    const r = o.byName('http-response');
    expect(r.ourColumns).toEqual({ protocol: 'HTTP', info: 'HTTP/1.1 200 OK  (text/html)' });
    expect(r.ours.get('http.request_in')).toEqual([String(o.numberOf('http-request'))]);
    expect(r.ours.get('http.time')).toEqual(['0.000001000']);
    expect(r.ours.get('http.content_length')).toEqual(['32']);
    expect(r.ours.get('http.file_data')).toEqual(['<html><body>hello</body></html>\n']);
    expect(r.ourProtocols).toBe('eth:ethertype:ip:tcp:http:data-text-lines');
    const second = o.byName('http-resp-2-binary');
    expect(second.ours.get('http.prev_request_in')).toEqual([String(o.numberOf('http-req-1'))]);
    expect(second.ours.get('http.prev_response_in')).toEqual([String(o.numberOf('http-resp-1-text'))]);
    expect(second.ourProtocols).toBe('eth:ethertype:ip:tcp:http:data');
    expect(o.byName('http-req-2-query-cookie').ours.get('http.request.uri.query.parameter')).toEqual(['id=7', 'x=y']);
    expect(o.byName('http-req-2-query-cookie').ours.get('http.cookie_pair')).toEqual(['a=1', 'b=2']);
  });

  it('finds HTTP on an unregistered port by heuristic and leaves non-HTTP on port 80 alone', () => {
    const o = oracle();
    expect(o.byName('http-heuristic-8000').ourColumns.info).toBe('GET /health HTTP/1.1 ');
    const notHttp = o.byName('not-http-on-80');
    expect(notHttp.ourProtocols).toBe('eth:ethertype:ip:tcp');
    expect(notHttp.ourColumns.protocol).toBe('TCP');
  });

  it('leaves a message that goes on in a later segment for reassembly, as tshark does', () => {
    const engine = newEngine();
    const session = engine.newSession();
    const partial = [
      tcpFrame('10.0.3.30', '10.0.1.10', 80, 41000, ascii('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), { seq: 1, ack: 1 }),
      tcpFrame('10.0.1.10', '10.0.3.30', 41001, 80, ascii('GET / HTTP/1.1\r\nHost: a\r\n'), { seq: 1, ack: 1 }),
      tcpFrame('10.0.3.30', '10.0.1.10', 80, 41002, ascii('HTTP/1.1 200 OK\r\nServer: x\r\n\r\nto the end'), { seq: 1, ack: 1 }),
    ];
    for (const rec of recordsOf(partial.map((bytes) => ({ bytes })))) {
      const { result } = session.tree(rec);
      expect(result.protocols).not.toContain('http');
      expect(result.columns.protocol).toBe('TCP');
      // tshark then appends TCP's " [TCP segment of a reassembled PDU]".
      expect(result.columns.info).toMatch(/^(HTTP\/1\.1 200 OK|GET \/ HTTP\/1\.1) $/);
    }
  });

  it('gives the same values and columns as tshark 4.0', () => {
    const fields = compareFields(['http']);
    expect(fields.mismatches).toEqual([]);
    expect(fields.compared).toBeGreaterThan(100);
    const cols = compareColumns('http');
    expect(cols.mismatches).toEqual([]);
    expect(cols.compared).toBe(9);
    expect(compareColumns('not-http').mismatches).toEqual([]);
  });

  it('never throws on random segments', () => {
    const engine = newEngine();
    const text = fc.stringMatching(/^(GET|HTTP\/1\.1|POST) [ -~\r\n]{0,60}$/).map(ascii);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), text), fc.constantFrom(80, 8000, 8080), (payload, port) => {
        const [rec] = recordsOf([{ bytes: tcpFrame('10.0.0.1', '10.0.0.2', 40000, port, payload, { seq: 1, ack: 1 }) }]);
        engine.newSession().tree(rec);
        engine.newSession().dissect(rec, NullSink.instance, true);
      }),
    );
  });
});
