/**
 * Topology checks: a property of the learner's document (what they wrote) or of the resolved
 * topology (what it means once defaults are filled in — `instances[name=web].ip` is there even
 * when the document leaves it out). Used sparingly: most checks grade behaviour, not settings; a
 * topology check guards the *way* a puzzle is solved ("fix the ACL, leave the group alone").
 */
import type { Evidence } from '../evidence.ts';
import { evaluatePath, isRecord, parsePathExpression } from '../path-expression.ts';
import type { TopologyCheck } from '../schema.ts';
import { type CheckOutcome, describeBounds, withinBounds } from './result.ts';

export function evaluateTopologyCheck(check: TopologyCheck, evidence: Evidence): CheckOutcome {
  const text = (check.document ?? check.resolved)!;
  const which = check.document !== undefined ? 'your topology document' : 'the resolved topology';
  const parsed = parsePathExpression(text);
  if (!parsed.ok) return { passed: false, explanation: `bad path expression: ${parsed.error}` };
  const values = evaluatePath(check.document !== undefined ? evidence.document : evidence.topology, parsed.segments);
  const shown = values.length === 0 ? 'nothing' : values.map(show).join(', ');
  if (check.exists !== undefined) {
    const passed = (values.length > 0) === check.exists;
    return { passed, explanation: `${text} ${values.length > 0 ? `is ${shown}` : 'is not set'} in ${which}${passed ? '' : check.exists ? '; it should be' : '; it should not be'}` };
  }
  if (values.length === 0) return { passed: false, explanation: `${text} is not set in ${which}` };
  if (check.equals !== undefined) {
    const passed = values.every((v) => equal(v, check.equals));
    return { passed, explanation: `${text} is ${shown} in ${which}${passed ? '' : `; expected ${show(check.equals)}`}` };
  }
  if (check.contains !== undefined) {
    const want = check.contains;
    const lists = values.filter(Array.isArray) as unknown[][];
    const passed = lists.length > 0 && lists.every((l) => l.some((item) => isRecord(item) && Object.entries(want).every(([k, v]) => equal(item[k], v))));
    return { passed, explanation: `${text} in ${which} ${passed ? 'has' : 'has no'} item with ${show(want)}${passed ? '' : ` (it is ${shown})`}` };
  }
  const sizes = values.map((v) => (Array.isArray(v) ? v.length : isRecord(v) ? Object.keys(v).length : v === null ? 0 : 1));
  const passed = sizes.every((n) => withinBounds(n, check.count!));
  return { passed, explanation: `${text} in ${which} has ${sizes.join(', ')} item(s); expected ${describeBounds(check.count!)}` };
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(b);
    return keys.length === Object.keys(a).length && keys.every((k) => equal(a[k], b[k]));
  }
  // A document may write 80 where the check says "80": compare scalars as text.
  return a === b || (a !== null && b !== null && typeof a !== 'object' && typeof b !== 'object' && String(a) === String(b));
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
