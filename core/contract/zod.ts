/**
 * The one place core/contract imports zod from. `jitless` stops zod from compiling validators with
 * `new Function`: the renderer runs under a CSP without 'unsafe-eval' and validates with these same
 * schemas (see core/topology/schema/zod.ts, which sets the same global option).
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };
