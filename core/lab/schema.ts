/**
 * The lab document, version 1 (`lab.yaml` in a folder of `labs/`): metadata, the starting
 * topology, the steps, the scenario's actions, seeded variables and the checks that grade what
 * really happened. Checks name evidence — captures, paths, fabric state, the learner's topology,
 * timing — never configuration keystrokes, so a different-but-correct answer passes.
 *
 * The published JSON Schema (resources/schema/lab.schema.json) is generated from this file.
 */
import { z } from '../topology/schema/zod.ts';
import { NAME_PATTERN } from '../topology/names.ts';

export const CURRENT_LAB_VERSION = 1;

const name = z.string().regex(NAME_PATTERN).max(63);
const duration = z.string().regex(/^\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|m)$/).describe('A virtual-time duration: 0s, 250ms, 1.05s, 20us.');
const text = z.string().min(1).max(4000);
const file = z.string().regex(/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/).refine((f) => !f.split('/').includes('..'), 'a file inside the lab folder')
  .describe('A file inside the lab folder (forward slashes, no "..").');
const count = z.int().min(0).max(1_000_000);

export const variableSchema = z.union([
  z.strictObject({ int: z.tuple([z.int(), z.int()]).describe('Inclusive range [low, high].') }),
  z.strictObject({ pick: z.array(z.union([z.string().max(63), z.int()])).min(1).max(64).describe('One of these values.') }),
]).describe('A value drawn from the learner\'s seeded stream and substituted for {{name}} everywhere.');

const execAction = z.union([
  z.string().min(3).max(1000).describe('"INSTANCE: COMMAND", as `underlay run --exec` takes it.'),
  z.strictObject({ instance: z.string().max(63), command: z.string().min(1).max(1000) }),
]);

export const actionSchema = z.strictObject({
  at: duration.optional().describe('When the action happens; default 0s.'),
  exec: execAction.optional().describe('Run a command on an instance.'),
  move: z.strictObject({ instance: z.string().max(63), host: z.string().max(63) }).optional().describe('Live-migrate an instance to another host.'),
  link: z.strictObject({ name: z.string().max(200), change: z.string().regex(/^(?:down|up|loss=\d*\.?\d+|latency=\d+(?:\.\d+)?(?:ns|us|ms|s))$/) })
    .optional().describe('Change a link (fault injection): down, up, loss=P, latency=D.'),
  compromise: z.strictObject({
    host: z.string().max(63),
    forgeOuterSource: z.string().regex(/^\d{1,3}(?:\.\d{1,3}){3}$/).optional().describe('Outer source address the host writes instead of its own.'),
    forgeVni: z.int().min(0).max(0xffffff).optional().describe('VNI the host writes instead of the sender\'s VPC number.'),
  }).optional().describe('The host\'s Nitro card forges what it puts on the wire.'),
  peering: z.strictObject({
    name: z.string().max(63).optional().describe('The peering, by name.'),
    vpcs: z.tuple([z.string().max(63), z.string().max(63)]).optional().describe('Or: whichever peering joins these two VPCs (none: nothing happens).'),
    active: z.boolean(),
  }).refine((p) => (p.name === undefined) !== (p.vpcs === undefined), 'a peering action names the peering ("name") or its two VPCs ("vpcs"), not both').optional()
    .describe('Activate or deactivate a peering in the mapping service (caches learn at the next push).'),
}).superRefine((a, ctx) => exactlyOne(a, ['exec', 'move', 'link', 'compromise', 'peering'], 'an action', ctx));

const bounds = { min: count.optional().describe('At least this many; default 1 unless max is given.'), max: count.optional().describe('At most this many.') };

export const captureCheckSchema = z.strictObject({
  at: z.string().max(200).optional().describe('Capture point name or glob (web:eni, *-tor:*), or @eni, @underlay, @all (default).'),
  filter: z.string().max(2000).describe('A Wireshark display filter.'),
  ...bounds,
});

export const pathCheckSchema = z.strictObject({
  from: z.string().max(63).describe('The instance that sends the flow.'),
  filter: z.string().max(2000).optional().describe('Display filter that picks the flow\'s packets at the sender\'s ENI.'),
  through: z.array(z.string().max(200)).min(1).max(64).optional()
    .describe('Points the packet passed, in order: a port glob (host-a:eth0, *-tor:*) or STAGE@PORTGLOB (encapsulate@host-a:eth0).'),
  dropped: z.strictObject({
    at: z.string().max(200).optional().describe('Port glob where it died.'),
    reason: z.string().regex(/^[A-Z][A-Z0-9_]*$/).optional().describe('A DropReason code, e.g. SG_INGRESS_DENY.'),
    rule: z.string().max(200).optional().describe('Text the deciding rule contains.'),
  }).optional(),
  delivered: z.string().max(63).optional().describe('The instance it reached.'),
  traces: z.enum(['any', 'all']).optional().describe('Whether one packet of the flow (default) or every one must qualify.'),
  ...bounds,
}).superRefine((p, ctx) => exactlyOne(p, ['through', 'dropped', 'delivered'], 'a path check', ctx));

const conntrackSchema = z.strictObject({
  instance: z.string().max(63),
  protocol: z.enum(['tcp', 'udp', 'icmp']).optional(),
  remote: z.string().max(63).optional().describe('The peer: an instance name or an IPv4 address.'),
  state: z.string().max(100).optional().describe('ESTABLISHED, SYN_SENT, ICMP, UDP, …; several as ESTABLISHED|TIME_WAIT.'),
  direction: z.enum(['inbound', 'outbound']).optional(),
  ...bounds,
});
const alarmSchema = z.strictObject({ reason: z.string().max(60).optional(), host: z.string().max(63).optional(), ...bounds });
const cacheSchema = z.strictObject({
  host: z.string().max(63).describe('The host whose cache is read.'),
  instance: z.string().max(63).optional().describe('The instance whose mapping is looked up.'),
  on: z.string().max(63).optional().describe('The host the cache must map the instance to.'),
  version: z.strictObject(bounds).optional().describe('Bounds on the mapping version the cache holds.'),
  current: z.boolean().optional().describe('The cache holds (true) or lags behind (false) the service\'s current version.'),
});
const pushesSchema = z.strictObject({
  ...bounds,
  constantWork: z.boolean().optional().describe('Every push copied the whole table (capacity × hosts slots), changed or not.'),
});

export const stateCheckSchema = z.strictObject({
  conntrack: conntrackSchema.optional().describe('A connection-tracking entry of an ENI\'s security groups at the end of the run.'),
  alarm: alarmSchema.optional().describe('Mapping-service alarms raised by receiver checks.'),
  cache: cacheSchema.optional().describe('What a host\'s mapping cache holds at the end of the run.'),
  pushes: pushesSchema.optional().describe('The mapping service\'s push rounds.'),
}).superRefine((s, ctx) => exactlyOne(s, ['conntrack', 'alarm', 'cache', 'pushes'], 'a state check', ctx));

export const topologyCheckSchema = z.strictObject({
  document: z.string().max(300).optional().describe('Path expression into the learner\'s document: instances.nat.sourceDestCheck.'),
  resolved: z.string().max(300).optional().describe('Path expression into the resolved topology: instances[name=nat].sourceDestCheck.'),
  equals: z.unknown().optional(),
  exists: z.boolean().optional(),
  contains: z.record(z.string(), z.unknown()).optional().describe('A list holds an item with these properties.'),
  count: z.strictObject(bounds).optional().describe('Bounds on the length of a list or mapping.'),
}).superRefine((t, ctx) => {
  exactlyOne(t, ['document', 'resolved'], 'a topology check', ctx);
  exactlyOne(t, ['equals', 'exists', 'contains', 'count'], 'a topology check\'s test', ctx);
});

export const timingCheckSchema = z.strictObject({
  capture: z.strictObject({ at: z.string().max(200).optional(), filter: z.string().max(2000) }).optional(),
  drop: z.strictObject({ at: z.string().max(200).optional(), reason: z.string().max(60).optional() }).optional(),
  alarm: z.strictObject({ reason: z.string().max(60).optional(), host: z.string().max(63).optional() }).optional(),
  which: z.enum(['first', 'last']).optional().describe('Which occurrence is timed; default first.'),
  after: duration.optional(),
  before: duration.optional(),
}).superRefine((t, ctx) => {
  exactlyOne(t, ['capture', 'drop', 'alarm'], 'a timing check', ctx);
  if (t.after === undefined && t.before === undefined) ctx.addIssue({ code: 'custom', message: 'a timing check needs "after", "before" or both', path: [] });
});

export const checkSchema = z.strictObject({
  id: name.describe('Stable id of the check (results and progress key on it).'),
  title: text.describe('What the learner has to achieve, in one line.'),
  hint: text.optional().describe('Shown when the check fails.'),
  capture: captureCheckSchema.optional(),
  path: pathCheckSchema.optional(),
  state: stateCheckSchema.optional(),
  topology: topologyCheckSchema.optional(),
  timing: timingCheckSchema.optional(),
}).superRefine((c, ctx) => exactlyOne(c, CHECK_KINDS, 'a check', ctx));

export const CHECK_KINDS = ['capture', 'path', 'state', 'topology', 'timing'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const stepSchema = z.strictObject({ title: text, file: file.describe('Markdown file of the step.') });

export const labSchema = z.strictObject({
  version: z.literal(CURRENT_LAB_VERSION).describe('Format version of this lab document.'),
  id: name.describe('Lab id, the folder name.'),
  title: text,
  level: z.enum(['beginner', 'intermediate', 'advanced']),
  minutes: z.int().min(1).max(600).describe('Expected time to complete.'),
  topic: text.optional().describe('What the lab is about, for grouping the catalogue ("Encapsulation", "Filtering"…); default "Other".'),
  summary: text.optional(),
  objectives: z.array(text).min(1).max(20).describe('What the learner will be able to explain afterwards.'),
  topology: file.describe('The starting topology document.'),
  variables: z.record(name, variableSchema).optional(),
  steps: z.array(stepSchema).min(1).max(30),
  actions: z.array(actionSchema).max(200).optional().describe('The scenario: runs in every attempt, before the learner\'s commands at the same time.'),
  until: duration.optional().describe('Longest run (virtual time); default 30s. A run ends earlier once every command has finished.'),
  checks: z.array(checkSchema).min(1).max(50),
  hints: z.array(text).max(20).optional(),
  solution: file.optional().describe('The reference solution (default solution.yaml).'),
});

export const solutionSchema = z.strictObject({
  version: z.literal(CURRENT_LAB_VERSION),
  topology: file.optional().describe('The solution topology (instead of the starting one).'),
  actions: z.array(actionSchema).max(200).optional().describe('What the learner would run (usually exec actions).'),
  notes: text.optional(),
});

export type LabDocument = z.infer<typeof labSchema>;
export type SolutionDocument = z.infer<typeof solutionSchema>;
export type LabAction = z.infer<typeof actionSchema>;
export type LabCheck = z.infer<typeof checkSchema>;
export type CaptureCheck = z.infer<typeof captureCheckSchema>;
export type PathCheck = z.infer<typeof pathCheckSchema>;
export type StateCheck = z.infer<typeof stateCheckSchema>;
export type TopologyCheck = z.infer<typeof topologyCheckSchema>;
export type TimingCheck = z.infer<typeof timingCheckSchema>;
export type Variable = z.infer<typeof variableSchema>;

function exactlyOne(value: object, keys: readonly string[], what: string, ctx: z.RefinementCtx): void {
  const present = keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  if (present.length === 1) return;
  ctx.addIssue({
    code: 'custom', path: [],
    message: present.length === 0 ? `${what} needs one of ${keys.map((k) => `"${k}"`).join(', ')}` : `${what} takes only one of ${present.map((k) => `"${k}"`).join(', ')}`,
  });
}
