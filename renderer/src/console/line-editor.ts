/**
 * The console's readline: a prompt, a line edited in place (insert, Backspace, Delete, ←/→,
 * Home/End, Ctrl+A/E/U), history recalled with ↑/↓, Enter to submit, Ctrl+C to interrupt and
 * Ctrl+L to clear. It turns typed terminal data into escape sequences to echo and calls its host
 * for what the shell must do; it knows nothing of instances or RPC.
 */

export interface LineEditorHost {
  /** Text for the terminal (the echo and redraws). */
  write(text: string): void;
  /** Enter on a line (already echoed, newline written). */
  submit(line: string): void;
  /** Ctrl+C while a command runs. */
  interrupt(): void;
  /** Ctrl+L: clear the screen (the editor redraws its line after). */
  clearScreen(): void;
}

/** Lines of history kept per console. */
export const MAX_HISTORY = 500;

const CSI = '\x1b[';

export class LineEditor {
  private buffer = '';
  private cursor = 0;
  private readonly history: string[] = [];
  /** Position while browsing history: history.length means the line being typed. */
  private browsing = 0;
  private draft = '';
  /** True while the prompt is shown and input edits the line; false while a command runs. */
  private reading = false;

  constructor(
    private readonly host: LineEditorHost,
    private readonly prompt: string,
  ) {}

  get line(): string {
    return this.buffer;
  }

  get active(): boolean {
    return this.reading;
  }

  /** Entries, oldest first. */
  get entries(): readonly string[] {
    return this.history;
  }

  /** Shows the prompt and starts reading a line. */
  showPrompt(): void {
    this.buffer = '';
    this.cursor = 0;
    this.browsing = this.history.length;
    this.reading = true;
    this.host.write(this.prompt);
  }

  /** Stops reading (a command runs); output may be written freely until showPrompt. */
  suspend(): void {
    this.reading = false;
  }

  /** Types a whole line and submits it, as if entered at the keyboard (the accessible form). */
  enter(line: string): void {
    if (!this.reading) return;
    this.buffer = line;
    this.cursor = line.length;
    this.redraw();
    this.input('\r');
  }

  /** Feeds data from the terminal: keys, escape sequences or a paste. */
  input(data: string): void {
    let i = 0;
    while (i < data.length) {
      const c = data[i];
      if (c === '\x1b') {
        i += this.escape(data.slice(i));
        continue;
      }
      i++;
      switch (c) {
        case '\x03':
          this.ctrlC();
          break;
        case '\x0c':
          this.host.clearScreen();
          if (this.reading) this.redraw();
          break;
        case '\r':
        case '\n':
          if (c === '\n' && data[i - 2] === '\r') break; // \r\n from a paste is one Enter
          this.submitLine();
          break;
        default:
          if (!this.reading) break; // no stdin for guest programs: keys while one runs are dropped
          if (c === '\x7f' || c === '\b') this.backspace();
          else if (c === '\x01') this.moveTo(0);
          else if (c === '\x05') this.moveTo(this.buffer.length);
          else if (c === '\x15') this.replace('');
          else if (c >= ' ') this.insert(c);
      }
    }
  }

  private ctrlC(): void {
    if (this.reading) {
      // As bash: abandon the line, new prompt.
      this.host.write('^C\r\n');
      this.showPrompt();
    } else {
      this.host.write('^C\r\n');
      this.host.interrupt();
    }
  }

  private submitLine(): void {
    if (!this.reading) return;
    const line = this.buffer;
    this.reading = false;
    this.host.write('\r\n');
    if (line.trim() !== '' && this.history.at(-1) !== line) {
      this.history.push(line);
      if (this.history.length > MAX_HISTORY) this.history.shift();
    }
    this.host.submit(line);
  }

  /** Handles one escape sequence at the start of `s`; returns its length. */
  private escape(s: string): number {
    const m = /^\x1b(?:\[([0-9;]*)([A-Za-z~])|O([A-Za-z]))/.exec(s);
    if (!m) return 1;
    if (!this.reading) return m[0].length;
    const key = m[2] ?? m[3];
    const param = m[1] ?? '';
    if (key === 'A') this.recall(-1);
    else if (key === 'B') this.recall(1);
    else if (key === 'C') this.moveTo(this.cursor + 1);
    else if (key === 'D') this.moveTo(this.cursor - 1);
    else if (key === 'H' || (key === '~' && (param === '1' || param === '7'))) this.moveTo(0);
    else if (key === 'F' || (key === '~' && (param === '4' || param === '8'))) this.moveTo(this.buffer.length);
    else if (key === '~' && param === '3') this.deleteForward();
    return m[0].length;
  }

  private recall(delta: number): void {
    const next = this.browsing + delta;
    if (next < 0 || next > this.history.length) return;
    if (this.browsing === this.history.length) this.draft = this.buffer;
    this.browsing = next;
    this.replace(next === this.history.length ? this.draft : this.history[next]);
  }

  private insert(text: string): void {
    this.buffer = this.buffer.slice(0, this.cursor) + text + this.buffer.slice(this.cursor);
    this.cursor += text.length;
    if (this.cursor === this.buffer.length) this.host.write(text);
    else this.redraw();
  }

  private backspace(): void {
    if (this.cursor === 0) return;
    this.buffer = this.buffer.slice(0, this.cursor - 1) + this.buffer.slice(this.cursor);
    this.cursor--;
    this.redraw();
  }

  private deleteForward(): void {
    if (this.cursor >= this.buffer.length) return;
    this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(this.cursor + 1);
    this.redraw();
  }

  private replace(text: string): void {
    this.buffer = text;
    this.cursor = text.length;
    this.redraw();
  }

  private moveTo(position: number): void {
    const p = Math.max(0, Math.min(this.buffer.length, position));
    if (p === this.cursor) return;
    this.cursor = p;
    this.redraw();
  }

  /** Rewrites the prompt line and puts the cursor where it belongs. */
  private redraw(): void {
    const back = this.buffer.length - this.cursor;
    this.host.write(`\r${CSI}K${this.prompt}${this.buffer}${back > 0 ? `${CSI}${back}D` : ''}`);
  }
}
