/**
 * The detail tree addressed by paths (child indexes from the root, joined with '.'), and the two
 * directions of the tree ↔ bytes link: a node's byte range, and the innermost node covering a byte.
 */
import type { FrameDetail } from '../../../core/contract/simulation.ts';

type DetailNode = FrameDetail['tree'][number];

export interface FlatNode {
  readonly path: string;
  readonly node: DetailNode;
  readonly depth: number;
  readonly hasChildren: boolean;
}

export function nodeAt(tree: readonly DetailNode[], path: string): DetailNode | null {
  let nodes = tree;
  let node: DetailNode | null = null;
  for (const part of path.split('.')) {
    node = nodes[Number(part)] ?? null;
    if (!node) return null;
    nodes = node.children;
  }
  return node;
}

/** The rows the tree shows: every node whose ancestors are all expanded, in order. */
export function visibleNodes(tree: readonly DetailNode[], expanded: ReadonlySet<string>): FlatNode[] {
  const out: FlatNode[] = [];
  const walk = (nodes: readonly DetailNode[], prefix: string, depth: number) => {
    nodes.forEach((node, i) => {
      const path = prefix === '' ? String(i) : `${prefix}.${i}`;
      out.push({ path, node, depth, hasChildren: node.children.length > 0 });
      if (node.children.length > 0 && expanded.has(path)) walk(node.children, path, depth + 1);
    });
  };
  walk(tree, '', 0);
  return out;
}

/**
 * The innermost node whose bytes (in data source `source`) cover `offset` — what Wireshark selects
 * when a byte is clicked. Deeper wins; among equals, the shortest range, then the first.
 */
export function innermostAt(tree: readonly DetailNode[], source: number, offset: number): string | null {
  let best: { path: string; depth: number; length: number } | null = null;
  const walk = (nodes: readonly DetailNode[], prefix: string, depth: number) => {
    nodes.forEach((node, i) => {
      const path = prefix === '' ? String(i) : `${prefix}.${i}`;
      if (node.source === source && node.length > 0 && offset >= node.offset && offset < node.offset + node.length) {
        if (!best || depth > best.depth || (depth === best.depth && node.length < best.length)) best = { path, depth, length: node.length };
      }
      walk(node.children, path, depth + 1);
    });
  };
  walk(tree, '', 0);
  return (best as { path: string } | null)?.path ?? null;
}

/** The ancestors of a path ('0.3.1' → '0', '0.3'): what must be expanded to show it. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('.');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
}
