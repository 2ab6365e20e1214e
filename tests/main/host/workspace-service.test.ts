/**
 * The workspace contract's implementation: debounced autosave on a manual clock, and captures —
 * saved from the simulation, opened and paged like the live capture, exported, imported, and
 * refused with a positioned error when malformed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DraftSaved, WorkspaceApi } from '../../../core/contract/workspace.ts';
import type { Implementation } from '../../../core/rpc/service-types.ts';
import { collectingSink } from '../../../core/pcap/byte-sink.ts';
import { PcapWriter } from '../../../core/pcap/pcap-writer.ts';
import { WorkspaceService } from '../../../main/host/workspace-service.ts';
import { WorkspaceStore } from '../../../main/host/workspace-store.ts';
import { ManualScheduler } from '../../core/rpc/support/manual-scheduler.ts';
import { samplePcapng } from './support/sample-capture.ts';

const ctx = { signal: new AbortController().signal };
const sample = samplePcapng();

let dir: string;
let outside: string;
let clock: ManualScheduler;
let store: WorkspaceStore;
let service: WorkspaceService;
let api: Implementation<WorkspaceApi>;

async function start() {
  store = await WorkspaceStore.open(dir);
  service = new WorkspaceService(store, { exportPcapng: async () => sample.bytes.slice(), scheduler: clock, autosaveDelayMs: 1000, now: () => 1_700_000_000_000 + clock.now });
  api = service.implementation;
}

async function stop() {
  await service.dispose();
  await store.close();
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'underlay-ws-'));
  outside = mkdtempSync(join(tmpdir(), 'underlay-out-'));
  clock = new ManualScheduler();
  await start();
});
afterEach(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('autosave', () => {
  it('writes a draft once, after the edits stop for the debounce delay', async () => {
    const saved: DraftSaved[] = [];
    service.events.draftSaved((d) => saved.push(d));
    const t = await api.saveTopology({ name: 'lab', text: 'v1' }, ctx);
    api.saveDraft(t.id, 'v1 e', ctx);
    clock.advance(600);
    api.saveDraft(t.id, 'v1 ed', ctx);
    clock.advance(600);
    api.saveDraft(t.id, 'v1 edit', ctx);
    // Not on disk yet, but reading the draft gives the newest text.
    expect(await store.readDraft(t.id)).toBeNull();
    expect(await api.getDraft(t.id, ctx)).toMatchObject({ text: 'v1 edit' });
    clock.advance(999);
    expect(saved).toHaveLength(0);
    clock.advance(1);
    await service.implementation.listTopologies(ctx); // let the write finish
    await new Promise((r) => setTimeout(r, 20));
    expect(saved).toEqual([{ topologyId: t.id, savedAt: 1_700_000_000_000 + 1200, chars: 7 }]);
    expect(await store.readDraft(t.id)).toMatchObject({ text: 'v1 edit' });
    expect((await api.listTopologies(ctx))[0].hasDraft).toBe(true);
  });

  it('flushes a pending draft on dispose: nothing typed is lost', async () => {
    api.saveDraft(null, 'untitled work', ctx);
    await stop();
    await start();
    expect(await api.getDraft(null, ctx)).toMatchObject({ topologyId: null, text: 'untitled work' });
  });

  it('a discarded or saved draft is never written', async () => {
    api.saveDraft(null, 'thrown away', ctx);
    await api.discardDraft(null, ctx);
    const t = await api.saveTopology({ name: 'x', text: 'a' }, ctx);
    api.saveDraft(t.id, 'superseded', ctx);
    await api.saveTopology({ id: t.id, name: 'x', text: 'b' }, ctx);
    clock.advance(5000);
    await stop();
    await start();
    expect(await api.getDraft(null, ctx)).toBeNull();
    expect(await api.getDraft(t.id, ctx)).toBeNull();
  });
});

describe('captures', () => {
  it('saves the simulation capture as a pcapng file beside the database and views it', async () => {
    const entry = await api.saveCapture('two pings', undefined, ctx);
    expect(entry).toMatchObject({ name: 'two pings', source: 'simulation', format: 'pcapng', frames: sample.frames, bytes: sample.bytes.byteLength });
    expect(entry.fileName).toMatch(/^two-pings-[0-9a-f]{8}\.pcapng$/);
    expect(readdirSync(join(dir, 'captures'))).toEqual([entry.fileName]);
    expect(await api.listCaptures(ctx)).toEqual([entry]);

    const opened = await api.openCapture(entry.id, ctx);
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.view.frames).toBe(sample.frames);
    const page = await api.viewPage(opened.view.viewId, 0, 5, undefined, ctx);
    expect(page.total).toBe(sample.frames);
    expect(page.rows).toHaveLength(5);
    const icmp = await api.viewPage(opened.view.viewId, 0, 100, 'icmp.type == 8', ctx);
    expect(icmp.rows.length).toBeGreaterThan(0);
    // The verdict columns come back from the packet comments.
    expect(icmp.rows[0].traceId).toBeGreaterThan(0);
    const n = icmp.rows[0].number;
    const detail = await api.viewDetail(opened.view.viewId, n, ctx);
    expect(detail!.tree.some((node) => /Internet Control Message Protocol/.test(node.label))).toBe(true);
    expect((await api.viewHex(opened.view.viewId, n, ctx))!.byteLength).toBe(icmp.rows[0].length);
    expect(await api.closeView(opened.view.viewId, ctx)).toBe(true);
    await expect(Promise.resolve().then(() => api.viewPage(opened.view.viewId, 0, 1, undefined, ctx))).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
  });

  it('exports to a chosen path outside the workspace, never inside it', async () => {
    const entry = await api.saveCapture('out', undefined, ctx);
    const target = join(outside, 'export.pcapng');
    expect(await api.exportCapture(entry.id, target, ctx)).toBe(true);
    expect(new Uint8Array(readFileSync(target))).toEqual(sample.bytes);
    await expect(api.exportCapture(entry.id, join(dir, 'workspace.db'), ctx)).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    await expect(api.exportCapture(entry.id, 'relative.pcapng', ctx)).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
    expect(await api.exportCapture(999, target, ctx)).toBe(false);
    expect(await api.captureBytes(entry.id, ctx)).toEqual(sample.bytes);
  });

  it('imports a pcapng file for viewing', async () => {
    const file = join(outside, 'from-wireshark.pcapng');
    writeFileSync(file, sample.bytes);
    const imported = await api.importCapture(file, ctx);
    if (!imported.ok) throw new Error(imported.error.message);
    expect(imported.capture).toMatchObject({ name: 'from-wireshark', source: 'import', format: 'pcapng', frames: sample.frames });
    const opened = await api.openCapture(imported.capture.id, ctx);
    expect(opened.ok && (await api.viewPage(opened.view.viewId, 0, 1, undefined, ctx)).total).toBe(sample.frames);
    expect(await api.deleteCapture(imported.capture.id, ctx)).toBe(true);
    expect(readdirSync(join(dir, 'captures'))).toEqual([]);
  });

  it('imports a classic pcap (epoch times made relative) and refuses link types it cannot dissect', async () => {
    const frames = [new Uint8Array(60).fill(0xff), new Uint8Array(64).fill(0x11)];
    frames[1].set([0x08, 0x06], 12); // an ARP ethertype, so it dissects as something
    const pcap = (linkType: number) => {
      const out = collectingSink();
      const w = new PcapWriter(out.sink, { linkType, resolution: 'us' });
      w.writePacket(1_700_000_000, 0, frames[0]);
      w.writePacket(1_700_000_001, 500_000, frames[1]);
      w.close();
      return out.bytes();
    };
    const ok = await api.importCaptureBytes('tcpdump', pcap(1), ctx);
    if (!ok.ok) throw new Error(ok.error.message);
    expect(ok.capture).toMatchObject({ format: 'pcap', frames: 2 });
    expect(ok.capture.fileName).toMatch(/\.pcap$/);
    const opened = await api.openCapture(ok.capture.id, ctx);
    if (!opened.ok) throw new Error(opened.error.message);
    const rows = (await api.viewPage(opened.view.viewId, 0, 10, undefined, ctx)).rows;
    expect(rows.map((r) => r.time)).toEqual(['0.000000000', '1.000500000']);
    expect(rows[1].protocol).toBe('ARP');
    expect([...(await api.viewHex(opened.view.viewId, 2, ctx))!]).toEqual([...frames[1]]);

    const raw = await api.importCaptureBytes('raw ip', pcap(101), ctx);
    expect(raw).toMatchObject({ ok: false, error: { kind: 'unsupported', blockNumber: 1, offset: 24 } });
    expect(!raw.ok && raw.error.message).toMatch(/link type 101/);
  });

  it('refuses a malformed pcapng with the block and offset where it breaks, and keeps nothing', async () => {
    const bad = sample.bytes.slice();
    const view = new DataView(bad.buffer);
    const shb = view.getUint32(4, true);
    const idb = shb; // the first interface block follows the section header
    const idbLength = view.getUint32(idb + 4, true);
    view.setUint32(idb + 4, idbLength + 4, true); // leading and trailing lengths now disagree
    const result = await api.importCaptureBytes('broken', bad, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: 'malformed', blockNumber: 2, blockType: 'IDB', offset: idb });
    expect(result.error.message).toMatch(/block 2 \(IDB\) at offset/);
    expect(await api.listCaptures(ctx)).toEqual([]);
    expect(readdirSync(join(dir, 'captures'))).toEqual([]);
  });

  it('reports a cut-short file, a non-capture and a missing file', async () => {
    const cut = await api.importCaptureBytes('cut', sample.bytes.slice(0, sample.bytes.byteLength - 10), ctx);
    expect(cut).toMatchObject({ ok: false, error: { kind: 'truncated' } });
    expect(!cut.ok && cut.error.offset).toBeGreaterThan(0);
    const text = await api.importCaptureBytes('text', new TextEncoder().encode('hello, not a capture'), ctx);
    expect(text).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    const missing = await api.importCapture(join(outside, 'nope.pcapng'), ctx);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'io' } });
    expect(existsSync(join(outside, 'nope.pcapng'))).toBe(false);
  });
});
