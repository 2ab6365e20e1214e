/**
 * The packet comment every exported frame carries, so Wireshark users can filter on what the
 * fabric decided: `frame.comment contains "SG_INGRESS_DENY"`, `frame.comment contains "trace=42 "`.
 *
 *     trace=42 hop=3 verdict=drop reason=SG_INGRESS_DENY rule="no rule allows tcp 22"
 *
 * The same text is what our own filters see as `frame.comment`, so both agree.
 */
import type { RuleRef, VerdictKind } from '../verdict.ts';

export function frameComment(traceId: number, hop: number, verdict: VerdictKind, reason: string | null, rule: RuleRef | null): string {
  const head = `trace=${traceId} hop=${hop} verdict=${verdict} reason=${reason ?? '-'}`;
  return rule === null ? head : `${head} rule="${quoteText(rule.text)}"`;
}

/** Backslash-escapes quotes and backslashes, and flattens line breaks, so the comment parses back. */
function quoteText(s: string): string {
  return s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}
