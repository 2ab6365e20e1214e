import { formatIpv4, formatMac } from '../base/addr.ts';
import { indexOfBytes, latin1 } from '../base/bytes.ts';
import type { FieldDef, FieldValue } from '../dissect/field.ts';
import type { FilterSink } from '../dissect/sink.ts';
import type { RangeNode } from './ast.ts';
import type { ConstValue, Relation, SetItem, Test, Value } from './ir.ts';
import { bytesOfNumber, etherBytes, ipv4Bytes, stringBytes, type Ipv4Literal } from './literal.ts';
import type { TypeInfo } from './types.ts';

/**
 * Stages 4 and 5 (Wireshark's `gencode.c` and `dfvm.c`): the typed filter becomes a tree of
 * closures, evaluated per frame against a FilterSink. Everything that can be decided once is
 * decided here: constants are converted, comparison domains chosen, and the common shapes
 * (`field == constant`, `field in {…}`, presence) get loops that read the sink directly with no
 * allocation. Other shapes go through value producers that reuse their output arrays.
 */

export type Predicate = (sink: FilterSink, frame: Uint8Array) => boolean;

type V = number | bigint | string | Uint8Array | Ipv4Literal | null;

/** Produces a value list per frame into `out` (reused), returning how many there are. */
interface Producer {
  readonly out: V[];
  run(sink: FilterSink, frame: Uint8Array): number;
}

export interface Compiled {
  readonly predicate: Predicate;
  readonly fields: ReadonlySet<FieldDef>;
  readonly needsFrameBytes: boolean;
}

export function compileTest(test: Test): Compiled {
  const c = new Compiler();
  const predicate = c.test(test);
  return { predicate, fields: c.fields, needsFrameBytes: c.needsFrameBytes };
}

// ---- comparison domains ----

type Domain = 'num' | 'big' | 'str' | 'bytes' | 'ipv4';

const NUMERIC = new Set(['uint', 'int', 'framenum', 'bool', 'float', 'ether']);

function domainOf(a: TypeInfo, b: TypeInfo): Domain {
  if (a.ft === 'ipv4' && b.ft === 'ipv4') return 'ipv4';
  if ((a.ft === 'abs_time' || a.ft === 'rel_time') && a.ft === b.ft) return 'big';
  if (a.ft === 'string' && b.ft === 'string') return 'str';
  if (NUMERIC.has(a.ft) && NUMERIC.has(b.ft)) return 'num';
  return 'bytes';
}

type Conv = (v: V) => V;
const identity: Conv = (v) => v;

function toBytesConv(t: TypeInfo): Conv {
  switch (t.ft) {
    case 'string':
      return (v) => (typeof v === 'string' ? stringBytes(v) : v);
    case 'ether':
      return (v) => (typeof v === 'number' ? etherBytes(v) : v);
    case 'ipv4':
      return (v) => (typeof v === 'number' ? ipv4Bytes(v) : v && typeof v === 'object' && 'addr' in v ? ipv4Bytes(v.addr) : v);
    case 'uint':
    case 'int':
      return (v) => (typeof v === 'number' ? bytesOfNumber(v, t.size) : v);
    default:
      return identity;
  }
}

function converter(t: TypeInfo, d: Domain): Conv {
  if (d === 'bytes') return toBytesConv(t);
  if (d === 'big') return (v) => (typeof v === 'number' ? BigInt(Math.trunc(v)) : v);
  return identity;
}

type Order = (a: V, b: V) => number;

function orderScalar(a: V, b: V): number {
  if (a === null || b === null) return NaN;
  return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
}

/** Wireshark 4.0 orders byte strings by length first, then by content. */
function orderBytes(a: V, b: V): number {
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array)) return NaN;
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

function ipv4Parts(v: V): [number, number] {
  if (typeof v === 'number') return [v, 0xffffffff];
  const l = v as Ipv4Literal;
  return [l.addr, l.mask];
}

/** Addresses compare under the narrower of the two netmasks (`ip.addr == 10.0.0.0/8`). */
function orderIpv4(a: V, b: V): number {
  if (a === null || b === null) return NaN;
  const [x, mx] = ipv4Parts(a);
  const [y, my] = ipv4Parts(b);
  const m = (mx & my) >>> 0;
  const p = (x & m) >>> 0;
  const q = (y & m) >>> 0;
  return p < q ? -1 : p > q ? 1 : 0;
}

/**
 * An unsigned left side never compares with a negative right side, not even for `!=` (tshark
 * 4.0's uint_cmp_order fails to convert it). A negative left value came from signed arithmetic
 * (`ip.ttl - 2`) and compares normally.
 */
function orderUnsignedLeft(a: V, b: V): number {
  if (typeof a === 'number' && a >= 0 && typeof b === 'number' && b < 0) return NaN;
  return orderScalar(a, b);
}

function isUnsigned(t: TypeInfo): boolean {
  return t.ft === 'uint' || t.ft === 'framenum' || t.ft === 'bool';
}

function orderFor(d: Domain, left?: TypeInfo): Order {
  if (d === 'num' && left && isUnsigned(left)) return orderUnsignedLeft;
  return d === 'bytes' ? orderBytes : d === 'ipv4' ? orderIpv4 : orderScalar;
}

const COMPLEMENT: Readonly<Record<Relation, Relation>> = { eq: 'ne', ne: 'eq', lt: 'ge', ge: 'lt', le: 'gt', gt: 'le' };

type RelFn = (o: number) => boolean;
const REL: Readonly<Record<Relation, RelFn>> = {
  eq: (o) => o === 0,
  ne: (o) => o !== 0 && !Number.isNaN(o),
  lt: (o) => o < 0,
  le: (o) => o <= 0,
  gt: (o) => o > 0,
  ge: (o) => o >= 0,
};

// ---- value helpers ----

function truthy(v: V): boolean {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof Uint8Array) {
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) return true;
    return false;
  }
  return v !== null;
}

/** AND of two non-negative integers up to 2^53 (JS `&` is 32-bit). */
function and53(a: number, b: number): number {
  if (a <= 0xffffffff && b <= 0xffffffff && a >= 0 && b >= 0) return (a & b) >>> 0;
  const hi = (Math.floor(a / 2 ** 32) & Math.floor(b / 2 ** 32)) >>> 0;
  return hi * 2 ** 32 + ((a >>> 0) & (b >>> 0) >>> 0);
}

function asciiCase(s: string, upper: boolean): string {
  return upper ? s.replace(/[a-z]+/g, (m) => m.toUpperCase()) : s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function resolveIndex(x: number, n: number): number {
  return x < 0 || Object.is(x, -0) ? n + x : x;
}

/** A byte slice by tshark's rules: any part outside the value makes the whole slice absent. */
function applyRanges(b: Uint8Array, ranges: readonly RangeNode[]): Uint8Array | null {
  if (ranges.length === 1) return applyRange(b, ranges[0]);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const r of ranges) {
    const p = applyRange(b, r);
    if (!p) return null;
    parts.push(p);
    total += p.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function applyRange(b: Uint8Array, r: RangeNode): Uint8Array | null {
  const len = b.length;
  const start = resolveIndex(r.from, len);
  if (start < 0 || start >= len) return null;
  let end: number;
  if (r.to !== null) end = resolveIndex(r.to, len) + 1;
  else if (r.length === null) end = len;
  else end = start + r.length;
  if (end > len || end <= start) return null;
  return b.subarray(start, end);
}

/** Whether layer `layer` (1-based) of `total` is inside the layer ranges. */
function layerSelected(layer: number, total: number, ranges: readonly RangeNode[]): boolean {
  for (const r of ranges) {
    const lo = r.from < 0 || Object.is(r.from, -0) ? total + 1 + r.from : r.from;
    let hi: number;
    if (r.to !== null) hi = r.to < 0 || Object.is(r.to, -0) ? total + 1 + r.to : r.to;
    else if (r.length === null) hi = total;
    else hi = lo + r.length - 1;
    if (layer >= lo && layer <= hi) return true;
  }
  return false;
}

function sizeOf(t: TypeInfo, v: V): number {
  if (v instanceof Uint8Array || typeof v === 'string') return v.length;
  switch (t.ft) {
    case 'ipv4':
      return 4;
    case 'ether':
      return 6;
    case 'bool':
      return 1;
    case 'float':
    case 'abs_time':
    case 'rel_time':
      return 8;
    case 'uint':
    case 'int':
    case 'framenum':
      return t.size;
    default:
      return 0;
  }
}

/** The protocol layer (1-based) of occurrence `i` of `def`: how many `proto` items came before it. */
function layerOf(s: FilterSink, def: FieldDef, proto: FieldDef | null, i: number): number {
  if (!proto) return 1;
  if (proto === def) return i + 1;
  const seq = s.order(def, i);
  const np = s.count(proto);
  let layer = 0;
  for (let j = 0; j < np; j++) if (s.order(proto, j) < seq) layer++;
  return layer;
}

interface ByteRef {
  buf: Uint8Array;
  off: number;
  len: number;
}

const EMPTY = new Uint8Array(0);

function setRef(r: ByteRef, buf: Uint8Array, off: number, len: number): boolean {
  r.buf = buf;
  r.off = off;
  r.len = Math.max(0, Math.min(len, buf.length - off));
  return true;
}

/** Narrows a window to one slice range; false when the range falls outside it. */
function narrow(r: ByteRef, range: RangeNode): boolean {
  const len = r.len;
  const start = resolveIndex(range.from, len);
  if (start < 0 || start >= len) return false;
  let end: number;
  if (range.to !== null) end = resolveIndex(range.to, len) + 1;
  else if (range.length === null) end = len;
  else end = start + range.length;
  if (end > len || end <= start) return false;
  r.off += start;
  r.len = end - start;
  return true;
}

/** Wireshark's byte order (length first, then content) of a window against constant bytes. */
function orderRef(r: ByteRef, c: Uint8Array): number {
  if (r.len !== c.length) return r.len - c.length;
  const b = r.buf;
  const o = r.off;
  for (let k = 0; k < c.length; k++) if (b[o + k] !== c[k]) return b[o + k] - c[k];
  return 0;
}

function containsRef(r: ByteRef, needle: Uint8Array): boolean {
  const n = needle.length;
  if (n === 0) return true;
  const b = r.buf;
  const last = r.off + r.len - n;
  const first = needle[0];
  outer: for (let i = r.off; i <= last; i++) {
    if (b[i] !== first) continue;
    for (let k = 1; k < n; k++) if (b[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

function constProducer(value: ConstValue): Producer {
  const out: V[] = [value];
  return { out, run: () => 1 };
}

class Compiler {
  readonly fields = new Set<FieldDef>();
  needsFrameBytes = false;

  test(t: Test): Predicate {
    switch (t.t) {
      case 'true':
        return () => true;
      case 'and':
      case 'or': {
        const parts = t.items.map((x) => this.test(x));
        if (parts.length === 2) {
          const [a, b] = parts;
          return t.t === 'and' ? (s, f) => a(s, f) && b(s, f) : (s, f) => a(s, f) || b(s, f);
        }
        const want = t.t === 'or';
        return (s, f) => {
          for (let i = 0; i < parts.length; i++) if (parts[i](s, f) === want) return want;
          return !want;
        };
      }
      case 'not': {
        const a = this.test(t.a);
        return (s, f) => !a(s, f);
      }
      case 'exists':
        return this.exists(t.v);
      case 'truthy': {
        const fast = this.fastMaskTest(t.v);
        if (fast) return fast;
        const p = this.value(t.v);
        return (s, f) => {
          const n = p.run(s, f);
          for (let i = 0; i < n; i++) if (truthy(p.out[i])) return true;
          return false;
        };
      }
      case 'cmp':
        return this.fastCompare(t.rel, t.all, t.a, t.b) ?? this.fastBytesCompare(t.rel, t.all, t.a, t.b) ?? this.compare(t.rel, t.all, t.a, t.b);
      case 'contains':
        return this.fastContains(t.all, t.a, t.b) ?? this.contains(t.all, t.a, t.b);
      case 'matches':
        return this.matches(t.all, t.a, t.re);
      case 'in':
        return this.fastIn(t.all, t.a, t.set) ?? this.membership(t.all, t.a, t.set);
    }
  }

  private exists(v: Value): Predicate {
    if (v.t === 'field') {
      const count = this.countOf(v);
      return (s) => count(s) > 0;
    }
    const ref = this.byteRef(v);
    if (ref) {
      const r: ByteRef = { buf: EMPTY, off: 0, len: 0 };
      return (s, f) => {
        const n = ref.count(s);
        for (let i = 0; i < n; i++) if (ref.read(s, f, i, r)) return true;
        return false;
      };
    }
    const p = this.value(v);
    return (s, f) => p.run(s, f) > 0;
  }

  /** How many occurrences of a field (in its selected layers) the frame has, reading no values. */
  private countOf(v: Extract<Value, { t: 'field' }>): (s: FilterSink) => number {
    const def = v.def;
    this.fields.add(def);
    const layers = v.layers;
    if (!layers) return (s) => s.count(def);
    const proto = v.layerProto;
    if (proto) this.fields.add(proto);
    return (s) => {
      const n = s.count(def);
      const total = proto ? s.count(proto) : 1;
      let k = 0;
      for (let i = 0; i < n; i++) if (layerSelected(layerOf(s, def, proto, i), total, layers)) k++;
      return k;
    };
  }

  // ---- bytes without allocation ----

  /**
   * Reads a byte-valued operand (a protocol, a bytes/ether/IPv4/string field, or one fixed slice
   * of those) as a window onto existing bytes, so the common byte tests allocate nothing.
   */
  private byteRef(v: Value): { count: (s: FilterSink) => number; read: (s: FilterSink, f: Uint8Array, i: number, out: ByteRef) => boolean } | null {
    if (v.t === 'slice') {
      if (v.ranges.length !== 1) return null;
      const base = this.byteRef(v.base);
      if (!base) return null;
      const range = v.ranges[0];
      return {
        count: base.count,
        read: (s, f, i, out) => base.read(s, f, i, out) && narrow(out, range),
      };
    }
    if (v.t !== 'field' || v.layers) return null;
    const def = v.def;
    this.fields.add(def);
    const count = (s: FilterSink) => s.count(def);
    switch (def.type) {
      case 'protocol':
        if (def.abbrev === 'frame') {
          this.needsFrameBytes = true;
          return { count, read: (_s, f, _i, out) => setRef(out, f, 0, f.length) };
        }
        return { count, read: (s, _f, i, out) => setRef(out, s.dataOf(def, i), s.offset(def, i), s.length(def, i)) };
      case 'bytes':
        return {
          count,
          read: (s, _f, i, out) => {
            const x = s.value(def, i);
            return x instanceof Uint8Array && setRef(out, x, 0, x.length);
          },
        };
      case 'ether':
      case 'ipv4': {
        const size = def.type === 'ether' ? 6 : 4;
        const scratch = new Uint8Array(size);
        return {
          count,
          read: (s, _f, i, out) => {
            const x = s.value(def, i);
            if (typeof x !== 'number') return false;
            const lo = x >>> 0;
            if (size === 6) {
              const hi = Math.floor(x / 0x100000000);
              scratch[0] = hi >>> 8;
              scratch[1] = hi & 0xff;
              scratch[2] = lo >>> 24;
              scratch[3] = (lo >>> 16) & 0xff;
              scratch[4] = (lo >>> 8) & 0xff;
              scratch[5] = lo & 0xff;
            } else {
              scratch[0] = lo >>> 24;
              scratch[1] = (lo >>> 16) & 0xff;
              scratch[2] = (lo >>> 8) & 0xff;
              scratch[3] = lo & 0xff;
            }
            out.buf = scratch;
            out.off = 0;
            out.len = size;
            return true;
          },
        };
      }
      default:
        return null;
    }
  }

  /** `eth[0] & 1`, `eth.dst[0] & 0x01`: any byte of the AND non-zero, allocation-free. */
  private fastMaskTest(v: Value): Predicate | null {
    if (v.t !== 'arith' || v.op !== '&' || v.right.t !== 'const' || !(v.right.value instanceof Uint8Array)) return null;
    const ref = this.byteRef(v.left);
    if (!ref) return null;
    const mask = v.right.value;
    const r: ByteRef = { buf: EMPTY, off: 0, len: 0 };
    return (s, f) => {
      const n = ref.count(s);
      for (let i = 0; i < n; i++) {
        if (!ref.read(s, f, i, r)) continue;
        const m = Math.min(r.len, mask.length);
        for (let k = 0; k < m; k++) if ((r.buf[r.off + k] & mask[k]) !== 0) return true;
      }
      return false;
    };
  }

  /** `eth.src[0:3] == 00:11:22`, `data.data == …`, `frame[-4:] > …` without allocation. */
  private fastBytesCompare(rel: Relation, all: boolean, a: Value, b: Value): Predicate | null {
    if (b.t !== 'const' || !(b.value instanceof Uint8Array) || domainOf(a.type, b.type) !== 'bytes') return null;
    const ref = this.byteRef(a);
    if (!ref) return null;
    const c = b.value;
    const test = REL[all ? COMPLEMENT[rel] : rel];
    const r: ByteRef = { buf: EMPTY, off: 0, len: 0 };
    return (s, f) => {
      const n = ref.count(s);
      let seen = false;
      for (let i = 0; i < n; i++) {
        if (!ref.read(s, f, i, r)) continue;
        seen = true;
        if (test(orderRef(r, c))) return !all;
      }
      return all && seen;
    };
  }

  /** `frame contains "GET"`, `eth contains 02:00` on the bytes in place. */
  private fastContains(all: boolean, a: Value, b: Value): Predicate | null {
    if (all || b.t !== 'const' || !(b.value instanceof Uint8Array)) return null;
    const ref = this.byteRef(a);
    if (!ref) return null;
    const needle = b.value;
    const r: ByteRef = { buf: EMPTY, off: 0, len: 0 };
    return (s, f) => {
      const n = ref.count(s);
      for (let i = 0; i < n; i++) if (ref.read(s, f, i, r) && containsRef(r, needle)) return true;
      return false;
    };
  }

  // ---- comparisons ----

  /** `field OP constant` read straight from the sink: the shape almost every filter has. */
  private fastCompare(rel: Relation, all: boolean, a: Value, b: Value): Predicate | null {
    if (a.t !== 'field' || a.layers || b.t !== 'const') return null;
    const d = domainOf(a.type, b.type);
    const f = a.def;
    let make: (r: Relation) => ((v: FieldValue) => boolean) | null;
    if (d === 'num' && typeof b.value === 'number') {
      const c = b.value;
      // An unsigned field never compares with a negative constant: `any` fails, `all` holds.
      make = c < 0 && isUnsigned(a.type) ? () => null : (r) => numberTest(r, c);
    } else if (d === 'ipv4' && b.value && typeof b.value === 'object' && 'addr' in b.value) {
      const m = b.value.mask;
      const target = (b.value.addr & m) >>> 0;
      make = (r) => {
        if (r === 'eq') return m === 0xffffffff ? (v) => v === target : (v) => typeof v === 'number' && (v & m) >>> 0 === target;
        const t = numberTest(r, target);
        return (v) => typeof v === 'number' && t(((v & m) >>> 0) as FieldValue);
      };
    } else if (d === 'str' && typeof b.value === 'string') {
      const c = b.value;
      make = (r) => (r === 'eq' ? (v) => v === c : (v) => typeof v === 'string' && REL[r](orderScalar(v, c)));
    } else {
      return null;
    }
    this.fields.add(f);
    // `all` is "no pair satisfies the complement", as tshark 4.0 evaluates it.
    const test = make(all ? COMPLEMENT[rel] : rel);
    if (all) {
      if (!test) return (s) => s.count(f) > 0;
      return (s) => {
        const n = s.count(f);
        if (n === 0) return false;
        for (let i = 0; i < n; i++) if (test(s.value(f, i))) return false;
        return true;
      };
    }
    if (!test) return () => false;
    if ((d === 'num' && rel === 'eq') || (d === 'ipv4' && rel === 'eq' && (b.value as Ipv4Literal).mask === 0xffffffff)) {
      const c = d === 'num' ? (b.value as number) : (b.value as Ipv4Literal).addr >>> 0;
      return (s) => {
        const n = s.count(f);
        for (let i = 0; i < n; i++) if (s.value(f, i) === c) return true;
        return false;
      };
    }
    return (s) => {
      const n = s.count(f);
      for (let i = 0; i < n; i++) if (test(s.value(f, i))) return true;
      return false;
    };
  }

  private compare(rel: Relation, all: boolean, a: Value, b: Value): Predicate {
    const d = domainOf(a.type, b.type);
    const pa = this.value(a);
    const pb = this.value(b);
    const ca = converter(a.type, d);
    const cb = converter(b.type, d);
    const order = orderFor(d, a.type);
    if (all) {
      const r = REL[COMPLEMENT[rel]];
      const some = pairwise(pa, pb, false, (x, y) => r(order(ca(x), cb(y))));
      return (s, f) => pa.run(s, f) > 0 && pb.run(s, f) > 0 && !some(s, f);
    }
    const r = REL[rel];
    return pairwise(pa, pb, false, (x, y) => r(order(ca(x), cb(y))));
  }

  private contains(all: boolean, a: Value, b: Value): Predicate {
    const pa = this.value(a);
    const pb = this.value(b);
    if (a.type.ft === 'string' && b.type.ft === 'string') {
      return pairwise(pa, pb, all, (x, y) => typeof x === 'string' && typeof y === 'string' && x.includes(y));
    }
    const ca = toBytesConv(a.type);
    const cb = toBytesConv(b.type);
    return pairwise(pa, pb, all, (x, y) => {
      const h = ca(x);
      const n = cb(y);
      return h instanceof Uint8Array && n instanceof Uint8Array && indexOfBytes(h, n) >= 0;
    });
  }

  private matches(all: boolean, a: Value, re: { test(s: string): boolean }): Predicate {
    const pa = this.value(a);
    const conv = toBytesConv(a.type);
    const asText = (v: V): string | null => {
      if (typeof v === 'string') return v;
      const b = conv(v);
      return b instanceof Uint8Array ? latin1(b) : null;
    };
    return (s, f) => {
      const n = pa.run(s, f);
      if (n === 0) return false;
      for (let i = 0; i < n; i++) {
        const text = asText(pa.out[i]);
        const m = text !== null && re.test(text);
        if (all && !m) return false;
        if (!all && m) return true;
      }
      return all;
    };
  }

  // ---- membership ----

  private fastIn(all: boolean, a: Value, set: readonly SetItem[]): Predicate | null {
    if (a.t !== 'field' || a.layers) return null;
    if (!set.every((it) => it.low.t === 'const' && (!it.high || it.high.t === 'const'))) return null;
    const d = domainOf(a.type, set[0].low.type);
    if (d !== 'num') return null;
    const lo: number[] = [];
    const hi: number[] = [];
    for (const it of set) {
      const l = (it.low as { value: ConstValue }).value;
      const h = it.high ? (it.high as { value: ConstValue }).value : l;
      if (typeof l !== 'number' || typeof h !== 'number') return null;
      lo.push(l);
      hi.push(h);
    }
    const f = a.def;
    this.fields.add(f);
    const k = lo.length;
    if (isUnsigned(a.type)) {
      // An unsigned field never compares with a negative bound (tshark 4.0's uint_cmp_order).
      for (let j = 0; j < k; j++) if (lo[j] < 0 || hi[j] < 0) [lo[j], hi[j]] = [1, 0];
    }
    if (!all) {
      return (s) => {
        const n = s.count(f);
        for (let i = 0; i < n; i++) {
          const v = s.value(f, i);
          if (typeof v !== 'number') continue;
          for (let j = 0; j < k; j++) if (v >= lo[j] && v <= hi[j]) return true;
        }
        return false;
      };
    }
    // `all x in {a, b..c}`: some element holds for every value (`all x == a` or every x in b..c).
    return (s) => {
      const n = s.count(f);
      if (n === 0) return false;
      outer: for (let j = 0; j < k; j++) {
        for (let i = 0; i < n; i++) {
          const v = s.value(f, i);
          if (typeof v !== 'number' || v < lo[j] || v > hi[j]) continue outer;
        }
        return true;
      }
      return false;
    };
  }

  private membership(all: boolean, a: Value, set: readonly SetItem[]): Predicate {
    const pa = this.value(a);
    const items = set.map((it) => {
      const d = domainOf(a.type, it.low.type);
      return {
        low: this.value(it.low),
        high: it.high ? this.value(it.high) : null,
        ca: converter(a.type, d),
        cl: converter(it.low.type, d),
        ch: it.high ? converter(it.high.type, d) : identity,
        order: orderFor(d, a.type),
      };
    });
    const inItem = (it: (typeof items)[number], v: V, s: FilterSink, f: Uint8Array): boolean => {
      const x = it.ca(v);
      const nl = it.low.run(s, f);
      if (!it.high) {
        for (let j = 0; j < nl; j++) if (it.order(x, it.cl(it.low.out[j])) === 0) return true;
        return false;
      }
      const nh = it.high.run(s, f);
      for (let j = 0; j < nl; j++) {
        if (!(it.order(x, it.cl(it.low.out[j])) >= 0)) continue;
        for (let k = 0; k < nh; k++) if (it.order(x, it.ch(it.high.out[k])) <= 0) return true;
      }
      return false;
    };
    // Some value is in some element; with `all`, some element holds every value.
    return (s, f) => {
      const n = pa.run(s, f);
      if (n === 0) return false;
      for (const it of items) {
        let every = true;
        for (let i = 0; i < n; i++) {
          const m = inItem(it, pa.out[i], s, f);
          if (!all && m) return true;
          if (!m) every = false;
        }
        if (all && every) return true;
      }
      return false;
    };
  }

  // ---- values ----

  value(v: Value): Producer {
    switch (v.t) {
      case 'const':
        return constProducer(v.value);
      case 'ref':
        return { out: [], run: () => 0 };
      case 'field':
        return this.field(v);
      case 'slice':
        return this.slice(v);
      case 'call':
        return this.call(v);
      case 'arith':
        return this.arith(v);
      case 'neg': {
        const p = this.value(v.arg);
        const out: V[] = [];
        const limit = v.type.size > 4 ? 2 ** 63 - 1 : 0x7fffffff;
        const unsigned = isUnsigned(v.type);
        return {
          out,
          run: (s, f) => {
            const n = p.run(s, f);
            let k = 0;
            for (let i = 0; i < n; i++) {
              const x = p.out[i];
              if (typeof x === 'bigint') out[k++] = -x;
              // An unsigned value is promoted to signed first; past INT32_MAX that fails.
              else if (typeof x === 'number' && !(unsigned && x > limit)) out[k++] = -x;
            }
            return k;
          },
        };
      }
    }
  }

  private field(v: Extract<Value, { t: 'field' }>): Producer {
    const def = v.def;
    this.fields.add(def);
    const out: V[] = [];
    let read: (s: FilterSink, f: Uint8Array, i: number) => V;
    switch (def.type) {
      case 'protocol':
        if (def.abbrev === 'frame') {
          this.needsFrameBytes = true;
          read = (_s, f) => f;
        } else {
          read = (s, _f, i) => s.bytesOf(def, i);
        }
        break;
      case 'abs_time':
      case 'rel_time':
        read = (s, _f, i) => {
          const x = s.value(def, i);
          return typeof x === 'number' ? BigInt(Math.trunc(x)) : (x as V);
        };
        break;
      default:
        read = (s, _f, i) => s.value(def, i);
    }
    const layers = v.layers;
    if (!layers) {
      return {
        out,
        run: (s, f) => {
          const n = s.count(def);
          for (let i = 0; i < n; i++) out[i] = read(s, f, i);
          return n;
        },
      };
    }
    const proto = v.layerProto;
    if (proto) this.fields.add(proto);
    return {
      out,
      run: (s, f) => {
        const n = s.count(def);
        const total = proto ? s.count(proto) : 1;
        let k = 0;
        for (let i = 0; i < n; i++) if (layerSelected(layerOf(s, def, proto, i), total, layers)) out[k++] = read(s, f, i);
        return k;
      },
    };
  }

  private slice(v: Extract<Value, { t: 'slice' }>): Producer {
    const base = this.value(v.base);
    const conv = toBytesConv(v.base.type);
    const ranges = v.ranges;
    const out: V[] = [];
    return {
      out,
      run: (s, f) => {
        const n = base.run(s, f);
        let k = 0;
        for (let i = 0; i < n; i++) {
          const b = conv(base.out[i]);
          if (!(b instanceof Uint8Array)) continue;
          const r = applyRanges(b, ranges);
          if (r) out[k++] = r;
        }
        return k;
      },
    };
  }

  private call(v: Extract<Value, { t: 'call' }>): Producer {
    const out: V[] = [];
    const args = v.fn === 'count' ? [] : v.args.map((a) => this.value(a));
    const p = args[0];
    const argType = v.args[0].type;
    const map = (fn: (x: V) => V | undefined): Producer => ({
      out,
      run: (s, f) => {
        const n = p.run(s, f);
        let k = 0;
        for (let i = 0; i < n; i++) {
          const r = fn(p.out[i]);
          if (r !== undefined) out[k++] = r;
        }
        return k;
      },
    });
    switch (v.fn) {
      case 'len':
        return map((x) => sizeOf(argType, x));
      case 'count': {
        const count = this.countOf(v.args[0] as Extract<Value, { t: 'field' }>);
        return {
          out,
          run: (s) => {
            const n = count(s);
            out[0] = n;
            return n > 0 ? 1 : 0;
          },
        };
      }
      case 'upper':
      case 'lower': {
        const upper = v.fn === 'upper';
        return map((x) => (typeof x === 'string' ? asciiCase(x, upper) : undefined));
      }
      case 'string':
        return map((x) => {
          if (typeof x !== 'number') return undefined;
          if (argType.ft === 'ipv4') return formatIpv4(x);
          if (argType.ft === 'ether') return formatMac(x);
          return String(x);
        });
      case 'abs':
        return map((x) => (typeof x === 'bigint' ? (x < 0n ? -x : x) : typeof x === 'number' ? Math.abs(x) : undefined));
      case 'max':
      case 'min': {
        const sign = v.fn === 'max' ? 1 : -1;
        const d = domainOf(v.type, v.type);
        const order = orderFor(d);
        const convs = v.args.map((a) => converter(a.type, d));
        return {
          out,
          run: (s, f) => {
            let best: V = null;
            let found = false;
            for (let a = 0; a < args.length; a++) {
              const n = args[a].run(s, f);
              for (let i = 0; i < n; i++) {
                const x = convs[a](args[a].out[i]);
                if (!found || order(x, best) * sign > 0) {
                  best = x;
                  found = true;
                }
              }
            }
            if (!found) return 0;
            out[0] = best;
            return 1;
          },
        };
      }
    }
  }

  private arith(v: Extract<Value, { t: 'arith' }>): Producer {
    const pl = this.value(v.left);
    const pr = this.value(v.right);
    const op = arithOp(v.op, v.type, v.left.type, v.right.type);
    const out: V[] = [];
    return {
      out,
      run: (s, f) => {
        const nl = pl.run(s, f);
        if (nl === 0) return 0;
        const nr = pr.run(s, f);
        let k = 0;
        for (let i = 0; i < nl; i++) {
          for (let j = 0; j < nr; j++) {
            const r = op(pl.out[i], pr.out[j]);
            if (r !== undefined) out[k++] = r;
          }
        }
        return k;
      },
    };
  }
}

function numberTest(rel: Relation, c: number): (v: FieldValue) => boolean {
  switch (rel) {
    case 'eq':
      return (v) => v === c;
    case 'ne':
      return (v) => typeof v === 'number' && v !== c;
    case 'lt':
      return (v) => typeof v === 'number' && v < c;
    case 'le':
      return (v) => typeof v === 'number' && v <= c;
    case 'gt':
      return (v) => typeof v === 'number' && v > c;
    case 'ge':
      return (v) => typeof v === 'number' && v >= c;
  }
}

/** Tests some (or, with `all`, every) pair of values from two producers. */
function pairwise(pa: Producer, pb: Producer, all: boolean, test: (a: V, b: V) => boolean): Predicate {
  return (s, f) => {
    const na = pa.run(s, f);
    if (na === 0) return false;
    const nb = pb.run(s, f);
    if (nb === 0) return false;
    const A = pa.out;
    const B = pb.out;
    for (let i = 0; i < na; i++) {
      for (let j = 0; j < nb; j++) {
        const r = test(A[i], B[j]);
        if (all && !r) return false;
        if (!all && r) return true;
      }
    }
    return all;
  };
}

type ArithFn = (a: V, b: V) => V | undefined;

function arithOp(op: string, type: TypeInfo, lt: TypeInfo, rt: TypeInfo): ArithFn {
  const ft = type.ft;
  if (ft === 'rel_time') {
    const big = (x: V): bigint | undefined => (typeof x === 'bigint' ? x : typeof x === 'number' ? BigInt(Math.trunc(x)) : undefined);
    return (a, b) => {
      const x = big(a);
      const y = big(b);
      if (x === undefined || y === undefined) return undefined;
      return op === '+' ? x + y : x - y;
    };
  }
  if (op === '&') {
    if (ft === 'bytes' || lt.ft === 'bytes' || rt.ft === 'bytes') {
      const ca = toBytesConv(lt);
      const cb = toBytesConv(rt);
      return (a, b) => {
        const x = ca(a);
        const y = cb(b);
        if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array)) return undefined;
        const n = Math.min(x.length, y.length);
        const r = new Uint8Array(n);
        for (let i = 0; i < n; i++) r[i] = x[i] & y[i];
        return r;
      };
    }
    if (ft === 'ipv4') {
      return (a, b) => {
        const x = typeof a === 'number' ? a : (a as Ipv4Literal | null)?.addr;
        const y = typeof b === 'number' ? b : (b as Ipv4Literal | null)?.addr;
        return x === undefined || y === undefined ? undefined : (x & y) >>> 0;
      };
    }
    return (a, b) => (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0 ? and53(a, b) : typeof a === 'number' && typeof b === 'number' ? a & b : undefined);
  }
  if (ft === 'float') {
    return (a, b) => {
      if (typeof a !== 'number' || typeof b !== 'number') return undefined;
      switch (op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? undefined : a / b;
        default:
          return b === 0 ? undefined : a % b;
      }
    };
  }
  return integerArith(op, type.size > 4, isUnsigned(type));
}

/**
 * Integer arithmetic as tshark 4.0 does it: 32-bit (64-bit for wider fields), checked. An
 * overflow gives no value. Unsigned subtraction going below zero turns signed; a negative
 * operand of an unsigned operation is read as its unsigned bit pattern (so it overflows).
 */
function integerArith(op: string, wide: boolean, unsignedType: boolean): ArithFn {
  const MOD = wide ? 2 ** 64 : 2 ** 32;
  const UMAX = MOD - 1;
  const SMAX = wide ? 2 ** 63 - 1 : 0x7fffffff;
  const SMIN = wide ? -(2 ** 63) : -0x80000000;
  return (a, b) => {
    if (typeof a !== 'number' || typeof b !== 'number') return undefined;
    let r: number;
    if (!unsignedType || a < 0) {
      const y = b > SMAX ? b - MOD : b;
      switch (op) {
        case '+':
          r = a + y;
          break;
        case '-':
          r = a - y;
          break;
        case '*':
          r = a * y;
          break;
        case '/':
          if (y === 0) return undefined;
          r = Math.trunc(a / y);
          break;
        default:
          if (y === 0) return undefined;
          r = a % y;
      }
      return r < SMIN || r > SMAX ? undefined : r;
    }
    const y = b < 0 ? b + MOD : b;
    switch (op) {
      case '+':
        r = a + y;
        break;
      case '-':
        if (y > a) return a > SMAX || y > SMAX ? undefined : a - y;
        r = a - y;
        break;
      case '*':
        r = a * y;
        break;
      case '/':
        if (y === 0) return undefined;
        r = Math.floor(a / y);
        break;
      default:
        if (y === 0) return undefined;
        r = a % y;
    }
    return r > UMAX ? undefined : r;
  };
}
