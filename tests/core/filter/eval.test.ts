import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../../core/base/addr.ts';
import { DissectionEngine } from '../../../core/dissect/engine.ts';
import { eth as ethProtocol } from '../../../core/dissect/protocols/eth.ts';
import { compileFilter, FilterRunner } from '../../../core/filter/filter.ts';
import { recordsOf } from '../../support/capture.ts';
import { A, B, eth } from './fixture.ts';
import { ftestBytes, ftestProtocol } from './ftest-protocol.ts';

/**
 * Evaluation over every field type, with the test-only `ftest` protocol (no real protocol
 * modules involved). Frame 1 has one ftest layer, frame 2 two, frame 3 none.
 */

const ip = (s: string) => parseIpv4(s)!;

const frames = recordsOf([
  {
    bytes: eth(B, A, 0x88b5, ftestBytes([{ u8: 1, u16: 0x1234, u32: 1_700_000_000, u48: 0x010203040506, i8: -5, flag: true, addrs: [ip('10.0.0.1'), ip('192.168.1.9')], mac: 0x0200000000aa, data: [0xde, 0xad, 0xbe, 0xef], name: 'alpha' }])),
  },
  {
    bytes: eth(A, B, 0x88b5, ftestBytes([
      { u8: 2, u16: 0x00ff, u32: 1_700_000_100, u48: 7, i8: 100, plain: true, addrs: [ip('10.0.0.2'), ip('10.0.0.3')], mac: 0x0200000000bb, data: [0, 1, 2, 3], name: 'Beta Gamma' },
      { u8: 200, u16: 10, u32: 5, u48: 2 ** 40, i8: -128, flag: true, plain: true, addrs: [ip('172.16.0.1'), ip('10.0.0.1')], mac: 0xffffffffffff, data: [0xff, 0xff, 0, 0], name: 'inner' },
    ])),
    comments: ['two layers'],
  },
  { bytes: eth(A, B, 0x88b6, new Uint8Array([1, 2, 3])) },
]);

const engine = new DissectionEngine([ethProtocol, ftestProtocol]);

function matching(filter: string): number[] {
  const r = compileFilter(filter, engine.fields);
  if (!r.ok) throw new Error(`${filter}: ${r.error.message} (${r.error.start}-${r.error.end})`);
  const runner = new FilterRunner(r.filter);
  const session = engine.newSession();
  return frames.filter((f) => runner.run(session, f)).map((f) => f.number);
}

function error(filter: string): { message: string; start: number; end: number } {
  const r = compileFilter(filter, engine.fields);
  if (r.ok) throw new Error(`${filter}: expected an error`);
  return r.error;
}

describe('filter evaluation over every field type', () => {
  it.each<[string, number[]]>([
    // presence, protocols, layers
    ['ftest', [1, 2]],
    ['!ftest', [3]],
    ['ftest.label', [1]],
    ['ftest#2', [2]],
    ['ftest.u8#2 == 200', [2]],
    ['ftest.u8#1 == 200', []],
    ['ftest.u8#[-1] == 200', [2]],
    ['ftest.u8#[1-2] == 2', [2]],
    ['count(ftest) == 2', [2]],
    ['count(ftest.addr#2) == 2', [2]],
    // uint with value strings and widths
    ['ftest.u8 == 1', [1]],
    ['ftest.u8 == One', [1]],
    ['ftest.u8 == "many"', [2]],
    ['ftest.u8 in {"One", Many}', [1, 2]],
    ['ftest.u8 > 1', [2]],
    ['all ftest.u8 > 1', [2]],
    ['ftest.u16 == 0x1234', [1]],
    ['ftest.u16 == 4660', [1]],
    ['ftest.u16 == 011064', [1]],
    ['ftest.u16 == 0b1001000110100', [1]],
    ['ftest.u16 & 0x0f00', [1]],
    ['ftest.u32 >= 1700000000', [1, 2]],
    ['ftest.u48 == 0x010203040506', [1]],
    ['ftest.u48 > 0xffffffff', [1, 2]],
    ['ftest.u48 & 0x010000000000', [1, 2]],
    ['ftest.u48 & 0x000000000001', [2]],
    // signed
    ['ftest.i8 == -5', [1]],
    ['ftest.i8 < 0', [1, 2]],
    ['ftest.i8 < -100', [2]],
    ['abs(ftest.i8) > 100', [2]],
    ['ftest.i8 + 10 == 5', [1]],
    // booleans, with custom true/false labels
    ['ftest.flag', [1, 2]],
    ['ftest.flag == 1', [1, 2]],
    ['ftest.flag == True', [1, 2]],
    ['ftest.flag == "up"', [1, 2]],
    ['ftest.flag == Down', [2]],
    ['all ftest.flag == 0', []],
    ['ftest.plain == true', [2]],
    ['ftest.plain === 1', [2]],
    // IPv4 and CIDR
    ['ftest.addr == 10.0.0.1', [1, 2]],
    ['ftest.addr != 10.0.0.1', []],
    ['ftest.addr !== 10.0.0.1', [1, 2]],
    ['ftest.addr == 192.168.0.0/16', [1]],
    ['all ftest.addr == 10.0.0.0/8', []],
    ['ftest.addr#1 == 10.0.0.0/29', [1, 2]],
    ['ftest.addr#2 == 172.16.0.1', [2]],
    ['ftest.addr in {10.0.0.2 .. 10.0.0.3}', [2]],
    ['ftest.addr > 172.16.0.0', [1, 2]],
    ['ftest.addr & 0.0.0.255 == 0.0.0.9', [1]],
    ['ftest.addr[0] == 0xc0', [1]],
    ['string(ftest.addr) == "192.168.1.9"', [1]],
    // Ethernet addresses
    ['ftest.mac == 02:00:00:00:00:aa', [1]],
    ['ftest.mac == 02-00-00-00-00-aa', [1]],
    ['ftest.mac == 0200.0000.00aa', [1]],
    ['ftest.mac == ff:ff:ff:ff:ff:ff', [2]],
    ['ftest.mac > 02:00:00:00:00:aa', [2]],
    ['ftest.mac[5] == bb', [2]],
    ['ftest.mac contains 00:aa', [1]],
    ['ftest.mac & ff:00:00:00:00:ff == 02:00:00:00:00:bb', [2]],
    ['string(ftest.mac) == "02:00:00:00:00:aa"', [1]],
    // bytes
    ['ftest.data == de:ad:be:ef', [1]],
    ['ftest.data == deadbeef', [1]],
    ['ftest.data contains be', [1]],
    ['ftest.data contains "\\xbe\\xef"', [1]],
    ['ftest.data[0:2] == ff:ff', [2]],
    ['ftest.data[-1] == ef', [1]],
    ['ftest.data[0] & 0x80', [1, 2]],
    ['ftest.data > 00:00:00:00', [1, 2]],
    ['ftest.data > 00:00:00:00:00', []],
    ['len(ftest.data) == 4', [1, 2]],
    ['ftest.data matches "^\\\\xde\\\\xad"', [1]],
    // strings
    ['ftest.name == "alpha"', [1]],
    ['ftest.name == alpha', [1]],
    ['ftest.name contains "amm"', [2]],
    ['ftest.name matches "^beta"', [2]],
    ['ftest.name matches "(?-i)^beta"', []],
    ['ftest.name matches "\\\\s"', [2]],
    ['ftest.name > "B"', [1, 2]],
    ['ftest.name[0:2] == "al"', [1]],
    ['ftest.name[0:2] == 61:6c', [1]],
    ['upper(ftest.name) == "BETA GAMMA"', [2]],
    ['lower(ftest.name) contains "beta"', [2]],
    ['len(ftest.name) == 5', [1, 2]],
    ['ftest.name in {"alpha", "inner"}', [1, 2]],
    ['all ftest.name in {"alpha", "inner"}', [1]],
    ['max(ftest.name) == "inner"', [2]],
    // float, times, frame numbers
    ['ftest.ratio == 0.25', [1]],
    ['ftest.ratio > 10', [2]],
    ['ftest.when == "2023-11-14T22:13:20"', [1]],
    ['ftest.when > "2023-11-14 22:13:20"', [2]],
    ['ftest.when < "1970-01-01T00:00:10Z"', [2]],
    ['ftest.when == "Nov 14, 2023 22:13:20 UTC"', [1]],
    ['ftest.elapsed == 4.66', [1]],
    ['ftest.elapsed > 1', [1]],
    ['ftest.elapsed in {0.2 .. 0.3}', [2]],
    ['ftest.elapsed + 1 > 5', [1]],
    ['-ftest.elapsed < -4', [1]],
    ['ftest.ref == 2', [2]],
    ['ftest.ref == ftest.ref', [1, 2]],
    // protocol bytes, frame bytes, field against field
    ['ftest contains "alpha"', [1]],
    ['ftest[0] == 0x02', [2]],
    ['frame[12:2] == 88:b5', [1, 2]],
    ['frame contains 88:b6', [3]],
    ['ftest.u8 < ftest.u16', [1, 2]],
    ['ftest.u8#2 > ftest.u8#1', [2]],
    ['ftest.addr#2 == 10.0.0.1 && ftest.addr#1 != 10.0.0.1', [2]],
    ['ftest.addr#1 == ftest.addr#2', []],
    ['ftest.addr == ftest.addr#2', [2]],
    ['max(ftest.u8, 150) == 200', [2]],
    ['min(ftest.addr) == 10.0.0.1', [1, 2]],
    ['frame.comment == "two layers"', [2]],
    // logic
    ['ftest.u8 == 1 || frame.len < 60', [1]],
    ['not (ftest.u8 == 1 or ftest.u8 == 2)', [3]],
    ['', [1, 2, 3]],
  ])('%s', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it.each<[string, string, number, number]>([
    ['ftest.u8 == 256', '"256" cannot be found among the possible values for ftest.u8.', 12, 15],
    ['ftest.u16 == 65536', '"65536" too big for this field, maximum 65535.', 13, 18],
    ['ftest.u16 == "x"', 'Unsigned integer (2 bytes) cannot be converted from a string ("x").', 13, 16],
    ['ftest.i8 == 128', '"128" too big for this field, maximum 127.', 12, 15],
    ['ftest.flag == true', '"true" cannot be found among the possible values for ftest.flag.', 14, 18],
    ['ftest.addr == 10.0.0.0/33', 'Netmask bits in a CIDR IPv4 address should be <= 32, not 33', 14, 25],
    ['ftest.addr contains 1', 'ftest.addr (type=IPv4 address) cannot participate in contains comparison.', 0, 10],
    ['ftest.mac == 02:00:00:00:00', '"02:00:00:00:00" contains too few bytes to be a valid Ethernet address.', 13, 27],
    ['ftest.data == 0x0102', '"0x0102" is not a valid byte string.', 14, 20],
    ['ftest.name == ftest.data', 'ftest.name and ftest.data are not of compatible types.', 14, 24],
    ['ftest.when > 1', '"1" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"', 13, 14],
    ['ftest.elapsed > "1"', 'Time offset cannot be converted from a string ("1").', 16, 19],
    ['ftest.elapsed * 2 > 1', 'FT_RELATIVE_TIME cannot *.', 0, 13],
    ['ftest.label == 1', 'ftest.label (type=Label) cannot participate in == comparison.', 0, 11],
    ['ftest.u8[0] == 1', '"ftest.u8" is a Unsigned integer (1 byte) and cannot be sliced into a sequence of bytes.', 0, 8],
    ['ftest.name matches "(a"', 'Regex compilation error: missing closing parenthesis.', 19, 23],
    ['ftest.name matches "(a)\\\\1"', 'Regex compilation error: back references are not supported (they need backtracking).', 19, 27],
    ['upper(ftest.u8) == "A"', 'Only string type fields can be used as parameter for upper()', 6, 14],
    ['string(ftest.name) == "A"', 'String conversion for field "ftest.name" is not supported', 7, 17],
    ['max(ftest.u8, ftest.u16) == 1', "Arguments to 'max' must have the same type (expected FT_UINT8, got FT_UINT16)", 14, 23],
    ['ftest.u8 in {nosuch}', '"nosuch" cannot be found among the possible values for ftest.u8.', 13, 19],
    ['ftest.u32 in {nosuch}', '"nosuch" is not a valid number.', 14, 20],
    // tshark 4.0 checks the literal before negating it, so -128 does not fit an int8
    ['ftest.i8 == -128', '"128" too big for this field, maximum 127.', 13, 16],
    ['nosuch#2', 'nosuch is not a valid field', 0, 6],
    ['ftest.nosuch', 'ftest.nosuch is neither a field nor a protocol name.', 0, 12],
  ])('rejects %s', (filter, message, start, end) => {
    expect(error(filter)).toEqual({ message, start, end });
  });

  it('keeps only the fields the filter references', () => {
    const r = compileFilter('ftest.u8#2 == 1 && frame[0] == 1', engine.fields);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.filter.fields.map((f) => f.abbrev).sort()).toEqual(['frame', 'ftest', 'ftest.u8']);
    expect(r.filter.needsFrameBytes).toBe(true);
    const plain = compileFilter('ftest.u8 == 1', engine.fields);
    expect(plain.ok && plain.filter.needsFrameBytes).toBe(false);
    expect(plain.ok && plain.filter.fields.map((f) => f.abbrev)).toEqual(['ftest.u8']);
  });

  it('treats ${field} references as having no value (no frame is selected)', () => {
    expect(matching('ftest.u8 == ${ftest.u8}')).toEqual([]);
    expect(error('ftest.u8 == ${nosuch}')).toMatchObject({ message: "macro 'nosuch' does not exist" });
  });
});
