export type { Contract, EventName, EventSpec, EventSpecs, MethodName, MethodSpec, MethodSpecs } from './spec.ts';
export * from './limits.ts';
export * from './simulation.ts';
export * from './workspace.ts';
export * from './host.ts';
export * from './labs.ts';
