/**
 * Auto layout with elkjs: the boxes of a view as a nested ELK graph, laid out in layers along the
 * references (route table → subnet, peering) with every level packed inside its parent. The result
 * is positions relative to each parent, which is what graph.ts and Vue Flow use.
 *
 * In the page, ELK runs in a Web Worker (elk-worker.js, bundled by Vite as the editor's Monaco
 * workers are; the CSP's worker-src 'self' allows it): a 500-object layout is a few hundred
 * milliseconds of solid work, and on the page's thread it would hold up everything else — the
 * first rows of the capture list right after connecting, typing, scrolling. Where there is no
 * Worker (the store tests under happy-dom) it runs elk.bundled.js in this thread instead. Either is
 * loaded on the first layout, as its own chunk: elkjs is two thirds of the page's script.
 */
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { DocValue } from './doc-value.ts';
import { buildGraph, HEADER, LEAF, PAD, positionKey, type Point } from './graph.ts';
import type { View } from './kinds.ts';

let elk: Promise<ELK> | null = null;

async function loadElk(): Promise<ELK> {
  if (typeof Worker === 'undefined') return new (await import('elkjs/lib/elk.bundled.js')).default();
  const [{ default: ElkApi }, { default: ElkWorker }] = await Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?worker')]);
  return new ElkApi({ workerFactory: () => new ElkWorker() });
}

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.spacing.componentComponent': '40',
};

export async function layoutView(value: DocValue, view: View): Promise<Record<string, Point>> {
  // A chunk that failed to load is asked for again next time rather than remembered as failed.
  elk ??= loadElk().catch((error: unknown) => {
    elk = null;
    throw error;
  });
  const engine = await elk;
  // The unpositioned graph gives the tree and the edges; sizes of boxes are ELK's to decide.
  const graph = buildGraph(value, view, {}, new Map());
  const byId = new Map<string, ElkNode>();
  const root: ElkNode = { id: '__root', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  for (const n of graph.nodes) {
    const node: ElkNode = n.type === 'group'
      ? { id: n.id, children: [], layoutOptions: { 'elk.padding': `[top=${HEADER},left=${PAD},bottom=${PAD},right=${PAD}]`, 'elk.nodeSize.minimum': '(190,84)', 'elk.nodeSize.constraints': 'MINIMUM_SIZE' } }
      : { id: n.id, width: LEAF.width, height: LEAF.height };
    byId.set(n.id, node);
    (n.parentNode ? byId.get(n.parentNode)! : root).children!.push(node);
  }
  root.edges = graph.edges.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.source], targets: [e.target] }));
  const laid = await engine.layout(root);
  const out: Record<string, Point> = {};
  const walk = (node: ElkNode) => {
    for (const c of node.children ?? []) {
      out[positionKey(view, c.id)] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
      walk(c);
    }
  };
  walk(laid);
  return out;
}
