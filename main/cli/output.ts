import { writeSync } from 'node:fs';

/**
 * Buffered writing to a file descriptor: the CLI prints a line per frame for a million frames,
 * so it batches them. A closed pipe (`underlay read f | head`) ends output quietly.
 */
export class Output {
  private parts: string[] = [];
  private size = 0;
  closed = false;

  constructor(private readonly fd: number) {}

  line(text: string): void {
    if (this.closed) return;
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.closed || this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    try {
      let buf = Buffer.from(text, 'utf8');
      while (buf.length > 0) {
        const n = writeSync(this.fd, buf);
        buf = buf.subarray(n);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') this.closed = true;
      else if ((e as NodeJS.ErrnoException).code === 'EAGAIN') this.retry(text);
      else throw e;
    }
  }

  /** Pipes opened non-blocking can answer EAGAIN: write the rest in a simple retry loop. */
  private retry(text: string): void {
    let buf = Buffer.from(text, 'utf8');
    while (buf.length > 0) {
      try {
        buf = buf.subarray(writeSync(this.fd, buf));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          this.closed = true;
          return;
        }
        if (code !== 'EAGAIN') throw e;
      }
    }
  }
}
