/**
 * The workspace and host contracts: their allowlists match the APIs (checked by tsc through
 * `satisfies` in the contract files; here the runtime lists), and their validators accept what
 * the APIs take and refuse the rest — wrong types, out-of-range ids, oversized inputs, extra keys.
 */
import { describe, expect, it } from 'vitest';
import * as contracts from '../../../core/contract/index.ts';
import { hostContract } from '../../../core/contract/host.ts';
import { MAX_IMPORT_BYTES, MAX_JSON_CHARS, MAX_PAGE_ROWS, MAX_PATH_CHARS, MAX_TITLE_CHARS, MAX_TOPOLOGY_CHARS } from '../../../core/contract/limits.ts';
import type { MethodSpec } from '../../../core/contract/spec.ts';
import { workspaceContract } from '../../../core/contract/workspace.ts';

function accepts(contract: { methods: object }, method: string, args: unknown[]): boolean {
  const spec = (contract.methods as Record<string, MethodSpec<unknown[], unknown>>)[method];
  return spec.args.safeParse(args).success;
}
const ws = (method: string, args: unknown[]) => accepts(workspaceContract, method, args);

describe('workspace contract', () => {
  it('is exported with the others from core/contract', () => {
    expect(contracts.workspaceContract.name).toBe('workspace');
    expect(contracts.hostContract.name).toBe('host');
    expect(contracts.simulationContract.name).toBe('simulation');
  });

  it('accepts what the API takes', () => {
    expect(ws('saveTopology', [{ name: 'lab', text: 'version: 1' }])).toBe(true);
    expect(ws('saveTopology', [{ id: 3, name: 'lab', text: '', message: 'fix route' }])).toBe(true);
    expect(ws('getTopology', [1])).toBe(true);
    expect(ws('getTopology', [1, 2])).toBe(true);
    expect(ws('saveDraft', [null, 'text'])).toBe(true);
    expect(ws('saveDraft', [4, 'text'])).toBe(true);
    expect(ws('setSetting', ['theme', { dark: true, sizes: [1, 2] }])).toBe(true);
    expect(ws('setLabProgress', ['sg-basics', 2, false])).toBe(true);
    expect(ws('importCaptureBytes', ['x', new Uint8Array(10)])).toBe(true);
    expect(ws('viewPage', [1, 0, MAX_PAGE_ROWS, 'tcp'])).toBe(true);
    expect(ws('addRecentFile', ['/home/me/lab.yaml', 'topology'])).toBe(true);
    expect(ws('recordRun', [{ seed: 1, virtualTimeNs: 5, frames: 0 }])).toBe(true);
  });

  it('refuses wrong types, bad ids and extra arguments', () => {
    expect(ws('getTopology', ['1'])).toBe(false);
    expect(ws('getTopology', [0])).toBe(false);
    expect(ws('getTopology', [1.5])).toBe(false);
    expect(ws('getTopology', [1, 2, 3])).toBe(false);
    expect(ws('deleteTopology', [])).toBe(false);
    expect(ws('saveTopology', [{ name: 'x', text: 'y', extra: true }])).toBe(false);
    expect(ws('saveTopology', [{ name: '   ', text: 'y' }])).toBe(false);
    expect(ws('saveDraft', [undefined, 'x'])).toBe(false);
    expect(ws('addRecentFile', ['/x', 'folder'])).toBe(false);
    expect(ws('viewPage', [1, -1, 10])).toBe(false);
    expect(ws('recordRun', [{ seed: -1, virtualTimeNs: 0, frames: 0 }])).toBe(false);
    expect(ws('importCaptureBytes', ['x', [1, 2, 3]])).toBe(false);
    expect(ws('setSetting', ['k', () => 1])).toBe(false);
    expect(ws('setSetting', ['k', undefined])).toBe(false);
    expect(ws('importCapture', ['/tmp/a\0b'])).toBe(false);
  });

  it('enforces the bounds in limits.ts', () => {
    expect(ws('saveTopology', [{ name: 'x'.repeat(MAX_TITLE_CHARS + 1), text: '' }])).toBe(false);
    expect(ws('saveDraft', [null, 'x'.repeat(MAX_TOPOLOGY_CHARS + 1)])).toBe(false);
    expect(ws('viewPage', [1, 0, MAX_PAGE_ROWS + 1])).toBe(false);
    expect(ws('importCapture', ['/' + 'x'.repeat(MAX_PATH_CHARS)])).toBe(false);
    expect(ws('setSetting', ['k', 'x'.repeat(MAX_JSON_CHARS)])).toBe(false);
    const huge = { byteLength: MAX_IMPORT_BYTES + 1 };
    Object.setPrototypeOf(huge, Uint8Array.prototype);
    expect(ws('importCaptureBytes', ['x', huge])).toBe(false);
  });

  it('transfers the bytes it returns', () => {
    const bytes = new Uint8Array(4);
    const methods = workspaceContract.methods;
    expect(methods.captureBytes.transfer!(bytes)).toEqual([bytes]);
    expect(methods.viewHex.transfer!(null)).toEqual([]);
    expect(methods.viewDetail.transfer!({ number: 1, tree: [], sources: [{ name: 'Frame', bytes }] })).toEqual([bytes]);
  });
});

describe('host contract', () => {
  it('takes no arguments', () => {
    for (const m of Object.keys(hostContract.methods)) {
      expect(accepts(hostContract, m, [])).toBe(true);
      expect(accepts(hostContract, m, [1])).toBe(false);
    }
    expect(Object.keys(hostContract.events).sort()).toEqual(['workerRestarted', 'workerState']);
  });
});
