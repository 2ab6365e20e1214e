import { formatLabel } from './format.ts';
import type { TreeNode, TreeSink } from './sink.ts';

/** The label a node shows in the detail tree: its own, or Wireshark's default `Name: value`. */
export function nodeLabel(node: TreeNode): string {
  const text = node.label ?? (node.field ? formatLabel(node.field, node.value) : '');
  // Generated items are bracketed, as in Wireshark; dissectors that write their own label may
  // already have bracketed it.
  return node.field?.generated && !text.startsWith('[') ? `[${text}]` : text;
}

/** Whether a node is shown: hidden fields (ip.addr, tcp.port) filter but never display. */
export function isVisible(node: TreeNode): boolean {
  return !node.hidden && !node.field?.hidden;
}

/** The tree as tshark -V prints it: one line per visible node, four spaces per level. */
export function treeText(tree: TreeSink): string[] {
  const lines: string[] = [];
  const visit = (node: TreeNode, depth: number) => {
    for (const child of node.children) {
      if (!isVisible(child)) continue;
      lines.push(' '.repeat(depth * 4) + nodeLabel(child));
      visit(child, depth + 1);
    }
  };
  visit(tree.root, 0);
  return lines;
}
