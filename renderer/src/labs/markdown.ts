/**
 * Lab steps' Markdown to HTML the page can insert with v-html, safely. The labs are our own files,
 * but a lab folder is data anyone can write, so nothing in it may run or reach out: raw HTML is
 * shown as text (never parsed), links keep only http(s), mailto and in-page targets (opened in a
 * new window by the shell's rules, which block navigation), and images become their alt text —
 * the page loads nothing remote (CSP) and a lab ships no pictures yet.
 */
import { Marked, type Tokens } from 'marked';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
const SAFE_HREF = /^(?:https?:|mailto:|#)/i;

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
    link({ href, title, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      if (!SAFE_HREF.test(href.trim())) return inner;
      const t = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(href)}"${t} rel="noopener noreferrer" target="_blank">${inner}</a>`;
    },
    image: ({ text }: Tokens.Image) => escapeHtml(text),
  },
});

export function renderMarkdown(markdown: string): string {
  return marked.parse(markdown, { async: false });
}
