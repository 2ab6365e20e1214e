/** The console's readline, without a terminal. */
import { describe, expect, it } from 'vitest';
import { LineEditor } from '../../../renderer/src/console/line-editor.ts';

function editor() {
  const log = { out: '', submitted: [] as string[], interrupts: 0, clears: 0 };
  const e = new LineEditor(
    {
      write: (t) => (log.out += t),
      submit: (l) => log.submitted.push(l),
      interrupt: () => log.interrupts++,
      clearScreen: () => log.clears++,
    },
    '$ ',
  );
  e.showPrompt();
  return { e, log };
}

describe('LineEditor', () => {
  it('edits a line in place: insert, backspace, cursor keys, home/end, delete', () => {
    const { e, log } = editor();
    e.input('pign');
    e.input('\x1b[D\x7f\x1b[Cg');
    expect(e.line).toBe('ping');
    e.input('\x1b[H\x1b[3~');
    expect(e.line).toBe('ing');
    e.input('p\x05 -c 1 db');
    expect(e.line).toBe('ping -c 1 db');
    e.input('\r');
    expect(log.submitted).toEqual(['ping -c 1 db']);
    expect(e.active).toBe(false);
  });

  it('recalls history with up and down, keeping the line being typed', () => {
    const { e, log } = editor();
    for (const l of ['ip addr', 'ip route', 'ip route']) {
      e.input(`${l}\r`);
      e.showPrompt();
    }
    expect(e.entries).toEqual(['ip addr', 'ip route']); // a repeat is kept once
    e.input('ss');
    e.input('\x1b[A');
    expect(e.line).toBe('ip route');
    e.input('\x1b[A\x1b[A');
    expect(e.line).toBe('ip addr');
    e.input('\x1b[B\x1b[B');
    expect(e.line).toBe('ss');
    e.input('\x1bOA\r');
    expect(log.submitted.at(-1)).toBe('ip route');
  });

  it('Ctrl+C abandons the line at the prompt and interrupts a running command; Ctrl+L clears', () => {
    const { e, log } = editor();
    e.input('ping db\x03');
    expect(log.interrupts).toBe(0);
    expect(e.line).toBe('');
    expect(e.active).toBe(true);
    e.input('ping db\r');
    e.input('typed while running\x1b[A');
    expect(e.line).toBe('ping db'); // nothing edits the line while a command runs
    e.input('\x03');
    expect(log.interrupts).toBe(1);
    e.input('\x0c');
    expect(log.clears).toBe(1);
    expect(log.out).toContain('^C');
  });

  it('takes a pasted \\r\\n as one Enter, and a whole line from the form', () => {
    const { e, log } = editor();
    e.input('hostname\r\n');
    expect(log.submitted).toEqual(['hostname']);
    e.showPrompt();
    e.enter('ip neigh');
    expect(log.submitted).toEqual(['hostname', 'ip neigh']);
  });
});
