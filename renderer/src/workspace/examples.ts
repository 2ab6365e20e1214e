/**
 * The example topologies shipped in resources/topologies/, bundled into the page at build time
 * (no file system in the renderer, nothing fetched at run time), so "open an example" works before
 * and without the workspace service.
 */
const files = import.meta.glob<string>('../../../resources/topologies/*.yaml', { query: '?raw', import: 'default', eager: true });

export interface ExampleTopology {
  /** File name without the extension: "minimal", "two-racks"… */
  readonly name: string;
  /** The first sentence of the document's leading comment, which says what it shows. */
  readonly summary: string;
  readonly text: string;
}

export const examples: readonly ExampleTopology[] = Object.entries(files)
  .map(([path, text]) => ({ name: path.replace(/^.*\//, '').replace(/\.ya?ml$/, ''), summary: summaryOf(text), text }))
  .sort((a, b) => a.name.localeCompare(b.name));

function summaryOf(text: string): string {
  const lines = text.split('\n');
  const comment: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('#')) break;
    comment.push(line.replace(/^#\s*/, ''));
  }
  const paragraph = comment.join(' ');
  const end = paragraph.search(/\.(\s|$)/);
  return end < 0 ? paragraph : paragraph.slice(0, end + 1);
}
