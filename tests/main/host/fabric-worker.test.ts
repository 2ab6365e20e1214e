/**
 * The fabric worker behind its supervisor, end to end: a real worker thread running
 * main/host/fabric-worker.ts under tsx, reached through the validating relay.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../../core/contract/simulation.ts';
import { startChain, type Chain } from './support/chain.ts';

const MINIMAL = readFileSync(new URL('../../../resources/topologies/minimal.yaml', import.meta.url), 'utf8');

describe('fabric worker through the relay', () => {
  let chain: Chain;
  beforeAll(async () => {
    chain = await startChain();
  });
  afterAll(() => chain?.close());

  it('loads a topology, pings, runs and pages the capture', async () => {
    const { renderer } = chain;
    const lines: CommandOutput[] = [];
    renderer.events.output((o) => lines.push(o));
    const loaded = await renderer.api.load(MINIMAL, 7);
    expect(loaded.ok).toBe(true);
    expect((await renderer.api.instances()).sort()).toEqual(['db', 'web']);
    const exec = await renderer.api.exec('web', 'ping -c 2 db');
    expect(exec.ok).toBe(true);
    expect(await renderer.api.run(5_000_000_000)).toMatch(/until|idle/);
    expect(await renderer.api.now()).toBe(5_000_000_000);
    const page = await renderer.api.capturePage(0, 10);
    expect(page.total).toBeGreaterThan(4);
    expect(page.rows).toHaveLength(10);
    const icmp = await renderer.api.capturePage(0, 100, 'icmp');
    expect(icmp.rows.length).toBeGreaterThanOrEqual(4);
    const hex = await renderer.api.frameHex(icmp.rows[0].number);
    expect(hex).toBeInstanceOf(Uint8Array);
    expect(hex!.byteLength).toBe(icmp.rows[0].length);
    // The bytes arrived in a buffer of their own: what a transfer (not a view into an arena) gives.
    expect(hex!.buffer.byteLength).toBe(hex!.byteLength);
    const detail = await renderer.api.frameDetail(icmp.rows[0].number);
    expect(detail!.tree.map((n) => n.label).join('\n')).toMatch(/Internet Protocol/);
    await new Promise((r) => setTimeout(r, 100)); // output events are coalesced
    expect(lines.some((l) => l.line !== null && /bytes from/.test(l.line))).toBe(true);
  });
});
