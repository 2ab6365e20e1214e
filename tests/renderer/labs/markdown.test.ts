/** Lab Markdown renders to HTML with nothing in it that could run or reach out. */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../renderer/src/labs/markdown.ts';

describe('renderMarkdown', () => {
  it('renders the Markdown labs use: headings, emphasis, code, lists', () => {
    const html = renderMarkdown('# Send a ping\n\nRun **ping** from `web`:\n\n```\nunderlay lab check 01 --exec \'web: ping db\'\n```\n\n- one\n- two\n');
    expect(html).toContain('<h1>Send a ping</h1>');
    expect(html).toContain('<strong>ping</strong>');
    expect(html).toContain('<code>web</code>');
    expect(html).toContain('<pre><code>underlay lab check 01 --exec &#39;web: ping db&#39;');
    expect(html).toContain('<li>one</li>');
  });

  it('shows raw HTML as text, keeps only safe links and drops images', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](https://example.org "t") ![pic](https://x/y.png)\n');
    expect(html).not.toMatch(/<script|<img|javascript:/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<a href="https://example.org" title="t" rel="noopener noreferrer" target="_blank">b</a>');
    expect(html).toContain('&gt; a <a href');
    expect(html).toContain('pic');
  });
});
