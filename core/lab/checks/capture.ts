/**
 * Capture checks: how many frames at a capture point match a display filter. On failure the
 * explanation says where matching frames were seen instead and what the fabric dropped, so
 * "no frame at web:eni matched `icmp.type == 0`" comes with the reason the replies never came.
 */
import type { Evidence } from '../evidence.ts';
import { whatWasDropped } from '../explain.ts';
import type { CaptureCheck } from '../schema.ts';
import { type CheckOutcome, describeBounds, plural, withinBounds } from './result.ts';

export function evaluateCaptureCheck(check: CaptureCheck, evidence: Evidence): CheckOutcome {
  const where = check.at ?? '@all';
  const points = evidence.points(check.at);
  if (points.length === 0) return { passed: false, explanation: `no capture point is named ${where} (points: ${evidence.points().slice(0, 8).join(', ')}, …)` };
  const result = evidence.frames(check.filter, check.at);
  if (!result.ok) return { passed: false, explanation: `the display filter \`${check.filter}\` does not compile: ${result.error.message}` };
  const n = result.frames.length;
  const passed = withinBounds(n, check);
  const counted = `${plural(n, 'frame')} at ${where} matched \`${check.filter}\` (expected ${describeBounds(check)})`;
  if (passed) return { passed, explanation: counted };
  if (n === 0) {
    const elsewhere = evidence.frames(check.filter);
    const seen = elsewhere.ok ? [...new Set(elsewhere.frames.map((f) => f.point))] : [];
    const instead = seen.length > 0 ? `; matching frames were seen at ${seen.slice(0, 4).join(', ')}${seen.length > 4 ? ', …' : ''}` : '';
    return { passed, explanation: `no frame at ${where} matched \`${check.filter}\`${instead}; ${whatWasDropped(evidence)}` };
  }
  // Too many is its own answer; too few usually has a drop behind it.
  const min = check.min ?? (check.max !== undefined ? 0 : 1);
  return { passed, explanation: n < min ? `${counted}; ${whatWasDropped(evidence)}` : counted };
}
