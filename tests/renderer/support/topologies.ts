/**
 * Topology texts for the renderer's tests: the bundled minimal example (imported the way the page
 * bundles it, not read with node:fs, whose URLs happy-dom's URL does not make) and a broken variant.
 */
import minimal from '../../../resources/topologies/minimal.yaml?raw';

export const minimalYaml: string = minimal;

/** Line 5, column 16: a /33 prefix. */
export const badCidrYaml = 'version: 1\nvpcs:\n  lab: { cidr: 10.0.0.0/16 }\nsubnets:\n  app: { cidr: 10.0.1.0/33 }\ninstances:\n  web: {}\n';
