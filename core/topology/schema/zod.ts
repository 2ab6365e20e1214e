/**
 * The one place core/topology imports zod from. Zod's object parser compiles a fast path with
 * `new Function` unless told not to; the renderer runs under a strict CSP (no 'unsafe-eval'), and
 * even a probe that is caught raises a CSP violation report there. `jitless` turns both the probe
 * and the compiler off, so validation is plain interpretation everywhere. The setting is global to
 * zod, which is what we want for every schema in the app.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
