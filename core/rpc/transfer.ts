/**
 * Which buffers of a result may be transferred. Only a view that spans its whole ArrayBuffer is
 * moved: transferring detaches the entire buffer, and a view into a larger one (an arena, a pool)
 * would take its neighbours with it. Such views, and SharedArrayBuffers, are copied by the
 * transport's structured clone instead. Each buffer is listed once (a duplicate is a clone error).
 */
export function transferListOf(views: readonly Uint8Array[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength && b.byteLength > 0) out.add(b);
  }
  return [...out];
}
