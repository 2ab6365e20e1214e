/**
 * Where writers put bytes. A sink receives chunks it must consume before returning (the writer
 * reuses its buffer), so memory stays bounded however long the capture.
 */
export type ByteSink = (chunk: Uint8Array) => void;

/** A sink that collects everything in memory, for tests and small exports. */
export function collectingSink(): { sink: ByteSink; bytes(): Uint8Array } {
  const parts: Uint8Array[] = [];
  let total = 0;
  return {
    sink: (chunk) => {
      parts.push(chunk.slice());
      total += chunk.length;
    },
    bytes: () => {
      const out = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
  };
}
