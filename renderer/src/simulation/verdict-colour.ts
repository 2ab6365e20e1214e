/** One colour per verdict, shared by the event list, the path strip and the canvas's packets. */
export const VERDICT_COLOUR: Readonly<Record<string, string>> = {
  forward: 'var(--accent)',
  deliver: 'var(--ok)',
  rewrite: 'var(--warn)',
  drop: 'var(--error)',
};

export function verdictColour(verdict: string): string {
  return VERDICT_COLOUR[verdict] ?? 'var(--text-muted)';
}
