/**
 * Path expressions into a topology document or the resolved topology, for topology checks:
 *   instances.nat.sourceDestCheck          keys (names may hold "-")
 *   networkAcls.app-acl.egress[1].ports    list index
 *   instances[name=nat].sourceDestCheck    the list item whose key equals a value
 *   securityGroups["web.v2"].inbound       a quoted key (names may hold ".")
 * evaluate() returns every value the path reaches (none when it leads nowhere).
 */
type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'where'; key: string; value: string };

export type ParsedPath = { ok: true; segments: Segment[] } | { ok: false; error: string };

export function parsePathExpression(text: string): ParsedPath {
  const segments: Segment[] = [];
  let i = 0;
  const fail = (why: string): ParsedPath => ({ ok: false, error: `${why} at character ${i + 1} of "${text}"` });
  while (i < text.length) {
    if (text[i] === '.') {
      if (segments.length === 0) return fail('a path does not start with "."');
      i++;
    }
    if (text[i] === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) return fail('"[" without "]"');
      const inner = text.slice(i + 1, end).trim();
      let m: RegExpExecArray | null;
      if (/^\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if ((m = /^"([^"]*)"$/.exec(inner))) segments.push({ kind: 'key', key: m[1] });
      else if ((m = /^([A-Za-z0-9_-]+)\s*=\s*"?([^"]*)"?$/.exec(inner))) segments.push({ kind: 'where', key: m[1], value: m[2] });
      else return fail(`"[${inner}]" is not [n], ["key"] or [key=value]`);
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
    if (!m) return fail(`unexpected "${text[i]}"`);
    segments.push({ kind: 'key', key: m[0] });
    i += m[0].length;
  }
  if (segments.length === 0) return { ok: false, error: 'an empty path' };
  return { ok: true, segments };
}

export function evaluatePath(root: unknown, segments: readonly Segment[]): unknown[] {
  let current: unknown[] = [root];
  for (const s of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if (s.kind === 'key' && isRecord(v) && Object.hasOwn(v, s.key) && v[s.key] !== undefined) next.push(v[s.key]);
      else if (s.kind === 'index' && Array.isArray(v) && s.index < v.length) next.push(v[s.index]);
      else if (s.kind === 'where' && Array.isArray(v)) next.push(...v.filter((x) => isRecord(x) && String(x[s.key]) === s.value));
    }
    current = next;
  }
  return current;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
