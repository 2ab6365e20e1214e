/**
 * A packaged app keeps its code in app.asar, but the fabric worker is started from a real file:
 * electron-builder.yml unpacks out/main/ to app.asar.unpacked/, and this maps the path.
 */
import { sep } from 'node:path';

export function asarUnpackedPath(path: string): string {
  return path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}
