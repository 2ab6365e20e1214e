import type { FilterError } from './error.ts';

/**
 * Stage 1 of the display-filter pipeline (Wireshark's `scanner.l`): text to tokens with character
 * positions. The token rules follow what tshark 4.0 accepts, checked against it:
 *
 * - a word (`ip.src`, `60`, `ab-cd`, `1.2.3.4.5`) is *unparsed*: the semantic check decides whether
 *   it names a field or is a literal;
 * - `:` before hex digits (`:ff`, `:02:00`) forces a literal, `.` before a word (`.ip.src`) a field;
 * - MAC addresses, byte strings with `:` (`aa:bb:cc`), IPv4/IPv6 addresses with a CIDR prefix are
 *   single literal tokens (so `1:2` is `1` followed by the literal `:2`, as in tshark);
 * - after `#` comes a layer number or `[`; inside `[...]` everything up to `,` or `]` is a range
 *   node, parsed later;
 * - strings take C escapes (`\x41`, `\101`, `\u00e4`); raw strings `r"..."` keep backslashes.
 *   String values are byte strings held one byte per char (UTF-8 for non-ASCII), like field strings.
 *
 * A scan error does not stop scanning at once: it becomes an `error` token, so the parser reports
 * whichever problem comes first in the text, as tshark's pull scanner does.
 */

export type TokenKind =
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'lbrace'
  | 'rbrace'
  | 'lbracket'
  | 'rbracket'
  | 'dotdot'
  | 'dollar'
  | 'at'
  | 'hash'
  | 'any'
  | 'all'
  | 'cmp' // value: the canonical operator (==, !=, ===, !==, >, >=, <, <=)
  | 'contains'
  | 'matches'
  | 'not'
  | 'and'
  | 'or'
  | 'in'
  | 'plus'
  | 'minus'
  | 'star'
  | 'slash'
  | 'percent'
  | 'bitand'
  | 'unparsed' // a word: a field name or a literal
  | 'literal' // never a field: `:ff`, MAC, IPv4/IPv6 (+CIDR), colon bytes
  | 'field' // `.name`: always a field; value is the name without the dot
  | 'string' // value: the unescaped content
  | 'charconst' // num: the character's value
  | 'index' // layer number after `#`
  | 'range' // one range node inside `[...]`
  | 'error'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token, quotes included. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Canonical operator, unescaped string, field name or literal text. */
  readonly value: string;
  readonly num: number;
  /** For errors: the scanner's message. */
  readonly error?: FilterError;
}

export interface ScanResult {
  /** Always ends with an `eof` or an `error` token. */
  readonly tokens: Token[];
}

const WORD_OPS: Readonly<Record<string, [TokenKind, string]>> = {
  eq: ['cmp', '=='],
  any_eq: ['cmp', '=='],
  ne: ['cmp', '!='],
  all_ne: ['cmp', '!='],
  all_eq: ['cmp', '==='],
  any_ne: ['cmp', '!=='],
  gt: ['cmp', '>'],
  ge: ['cmp', '>='],
  lt: ['cmp', '<'],
  le: ['cmp', '<='],
  contains: ['contains', 'contains'],
  matches: ['matches', 'matches'],
  not: ['not', 'not'],
  and: ['and', 'and'],
  or: ['or', 'or'],
  in: ['in', 'in'],
  any: ['any', 'any'],
  all: ['all', 'all'],
  bitwise_and: ['bitand', '&'],
};

// Symbol operators, longest first so that `===` wins over `==`.
const SYMBOLS: ReadonlyArray<readonly [string, TokenKind, string]> = [
  ['===', 'cmp', '==='],
  ['!==', 'cmp', '!=='],
  ['==', 'cmp', '=='],
  ['!=', 'cmp', '!='],
  ['~=', 'cmp', '!=='], // 4.0 still accepts the deprecated any_ne spelling
  ['>=', 'cmp', '>='],
  ['<=', 'cmp', '<='],
  ['&&', 'and', 'and'],
  ['||', 'or', 'or'],
  ['..', 'dotdot', '..'],
  ['>', 'cmp', '>'],
  ['<', 'cmp', '<'],
  ['~', 'matches', 'matches'],
  ['!', 'not', 'not'],
  ['+', 'plus', '+'],
  ['-', 'minus', '-'],
  ['*', 'star', '*'],
  ['/', 'slash', '/'],
  ['%', 'percent', '%'],
  ['&', 'bitand', '&'],
  ['(', 'lparen', '('],
  [')', 'rparen', ')'],
  [',', 'comma', ','],
  ['{', 'lbrace', '{'],
  ['}', 'rbrace', '}'],
  ['$', 'dollar', '$'],
  ['@', 'at', '@'],
  ['[', 'lbracket', '['],
];

// Sticky patterns for the literal tokens; the longest match among them and the word rule wins.
const HEX2 = '[0-9A-Fa-f]{2}';
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = `${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}`;
const H16 = '[0-9A-Fa-f]{1,4}';
const LS32 = `(?:${H16}:${H16}|${IPV4})`;
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].join('|');

const LITERAL_RULES: readonly RegExp[] = [
  new RegExp(`${IPV4}(?:/[0-9]{1,2})?`, 'y'),
  new RegExp(`(?:${IPV6})(?:/[0-9]{1,3})?`, 'y'),
  new RegExp(`${HEX2}(?::${HEX2})+`, 'y'),
  /:(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+|[0-9A-Fa-f]+)/y,
];
const WORD = /[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*/y;
const DOT_FIELD = /\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*/y;

function stickyMatch(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0].length : 0;
}

function tok(kind: TokenKind, text: string, start: number, end: number, value = '', num = 0): Token {
  return { kind, text: text.slice(start, end), start, end, value, num };
}

function errorToken(text: string, message: string, start: number, end: number): Token {
  return { kind: 'error', text: text.slice(start, end), start, end, value: '', num: 0, error: { message, start, end } };
}

function isPrintable(c: number): boolean {
  return c >= 0x20 && c < 0x7f;
}

/** Scans the whole filter. Never throws. */
export function scan(text: string): ScanResult {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  let state: 'initial' | 'layer' | 'range' = 'initial';

  const push = (t: Token): boolean => {
    tokens.push(t);
    return t.kind !== 'error';
  };

  while (true) {
    if (state === 'range') {
      if (i >= n) {
        push(errorToken(text, 'The right bracket was missing from a slice.', n, n + 1));
        break;
      }
      const c = text[i];
      if (c === ']') {
        push(tok('rbracket', text, i, i + 1, ']'));
        i++;
        state = 'initial';
      } else if (c === ',') {
        push(tok('comma', text, i, i + 1, ','));
        i++;
      } else {
        let j = i;
        while (j < n && text[j] !== ']' && text[j] !== ',') j++;
        push(tok('range', text, i, j, text.slice(i, j)));
        i = j;
      }
      continue;
    }
    if (state === 'layer') {
      if (i >= n) {
        tokens.push(tok('eof', text, n, n));
        break;
      }
      const c = text[i];
      if (c >= '0' && c <= '9') {
        let j = i;
        while (j < n && text[j] >= '0' && text[j] <= '9') j++;
        const digits = text.slice(i, j);
        push(tok('index', text, i, j, digits, Number(digits)));
        i = j;
        state = 'initial';
      } else if (c === '[') {
        push(tok('lbracket', text, i, i + 1, '['));
        i++;
        state = 'range';
      } else {
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        push(errorToken(text, `Expected digit or "[", not "${ch}"`, i, i + ch.length));
        break;
      }
      continue;
    }

    // initial state
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) {
      tokens.push(tok('eof', text, n, n));
      break;
    }
    const c = text[i];

    if (c === '"' || ((c === 'r' || c === 'R') && text[i + 1] === '"')) {
      if (!push(scanString(text, i, c !== '"', (end) => (i = end)))) break;
      continue;
    }
    if (c === "'") {
      if (!push(scanCharConst(text, i, (end) => (i = end)))) break;
      continue;
    }
    if (c === '#') {
      push(tok('hash', text, i, i + 1, '#'));
      i++;
      state = 'layer';
      continue;
    }

    // Longest match among words, literals and operators; on a tie, operators and keywords win.
    const wordLen = stickyMatch(WORD, text, i);
    let litLen = 0;
    for (const re of LITERAL_RULES) litLen = Math.max(litLen, stickyMatch(re, text, i));
    const dotLen = c === '.' && text[i + 1] !== '.' ? stickyMatch(DOT_FIELD, text, i) : 0;
    let symbol: (typeof SYMBOLS)[number] | undefined;
    for (const s of SYMBOLS) {
      if (text.startsWith(s[0], i)) {
        symbol = s;
        break;
      }
    }
    const symLen = symbol ? symbol[0].length : 0;
    const best = Math.max(wordLen, litLen, dotLen, symLen);

    if (best === 0) {
      const code = text.codePointAt(i)!;
      const ch = String.fromCodePoint(code);
      const message = isPrintable(code)
        ? `"${ch}" was unexpected in this context.`
        : 'Non-printable ASCII characters may only appear inside double-quotes.';
      push(errorToken(text, message, i, i + ch.length));
      break;
    }
    if (symLen === best && symbol) {
      push(tok(symbol[1], text, i, i + symLen, symbol[2]));
      if (symbol[1] === 'lbracket') state = 'range';
      i += symLen;
      continue;
    }
    if (wordLen === best && wordLen >= litLen) {
      const word = text.slice(i, i + wordLen);
      const op = WORD_OPS[word];
      if (op) push(tok(op[0], text, i, i + wordLen, op[1]));
      else push(tok('unparsed', text, i, i + wordLen, word));
      i += wordLen;
      continue;
    }
    if (litLen === best) {
      const lit = text.slice(i, i + litLen);
      push(tok('literal', text, i, i + litLen, lit.startsWith(':') ? lit.slice(1) : lit));
      i += litLen;
      continue;
    }
    push(tok('field', text, i, i + dotLen, text.slice(i + 1, i + dotLen)));
    i += dotLen;
  }
  return { tokens };
}

// ---- strings ----

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  "'": 0x27,
  '"': 0x22,
  '\\': 0x5c,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

/** Appends a code point as UTF-8 bytes, one char per byte. */
function appendUtf8(out: string[], cp: number): void {
  if (cp < 0x80) out.push(String.fromCharCode(cp));
  else if (cp < 0x800) out.push(String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)));
  else if (cp < 0x10000) out.push(String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)));
  else out.push(String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)));
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

function scanString(text: string, start: number, raw: boolean, setEnd: (end: number) => void): Token {
  const n = text.length;
  let i = start + (raw ? 2 : 1);
  const out: string[] = [];
  while (true) {
    if (i >= n) return errorToken(text, 'The final quote was missing from a quoted string.', n, n + 1);
    const c = text[i];
    if (c === '"') {
      i++;
      setEnd(i);
      return tok('string', text, start, i, out.join(''));
    }
    if (c !== '\\') {
      const cp = text.codePointAt(i)!;
      appendUtf8(out, cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    // an escape
    const e = text[i + 1];
    if (e === undefined) return errorToken(text, 'The final quote was missing from a quoted string.', n, n + 1);
    if (raw) {
      // Raw strings keep the backslash; `\"` and `\\` still do not end the string.
      out.push('\\', e);
      i += 2;
      continue;
    }
    if (e >= '0' && e <= '7') {
      let j = i + 1;
      while (j < n && j < i + 4 && text[j] >= '0' && text[j] <= '7') j++;
      const v = parseInt(text.slice(i + 1, j), 8);
      if (v > 0xff) return errorToken(text, `${text.slice(i, j)} is larger than 255.`, i, j);
      out.push(String.fromCharCode(v));
      i = j;
      continue;
    }
    if (e === 'x') {
      let j = i + 2;
      while (j < n && j < i + 4 && isHex(text[j])) j++;
      if (j === i + 2) return errorToken(text, '\\x is not a valid character escape sequence', i, i + 2);
      out.push(String.fromCharCode(parseInt(text.slice(i + 2, j), 16)));
      i = j;
      continue;
    }
    if (e === 'u' || e === 'U') {
      const want = e === 'u' ? 4 : 8;
      let j = i + 2;
      while (j < n && j < i + 2 + want && isHex(text[j])) j++;
      const seq = text.slice(i, j);
      const cp = j - (i + 2) === want ? parseInt(text.slice(i + 2, j), 16) : -1;
      // C11's rule, which tshark applies: no surrogates, nothing below U+00A0 but $ @ `.
      const basic = cp < 0xa0 && cp !== 0x24 && cp !== 0x40 && cp !== 0x60;
      if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || basic) {
        return errorToken(text, `${seq} is not a valid universal character name`, i, j);
      }
      appendUtf8(out, cp);
      i = j;
      continue;
    }
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out.push(String.fromCharCode(simple));
      i += 2;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i + 1)!);
    return errorToken(text, `\\${ch} is not a valid character escape sequence`, i, i + 1 + ch.length);
  }
}

function scanCharConst(text: string, start: number, setEnd: (end: number) => void): Token {
  const n = text.length;
  let i = start + 1;
  // Find the closing quote, skipping escaped characters.
  while (i < n && text[i] !== "'") i += text[i] === '\\' ? 2 : 1;
  if (i >= n) return errorToken(text, 'The final quote was missing from a character constant.', n, n + 1);
  const end = i + 1;
  const body = text.slice(start + 1, i);
  const whole = text.slice(start, end);
  const value = charConstValue(body);
  if (typeof value === 'string') return errorToken(text, value.replace('%s', whole), start, end);
  setEnd(end);
  return tok('charconst', text, start, end, whole, value);
}

/** The value of a character constant's body, or an error message with %s for the constant. */
function charConstValue(body: string): number | string {
  if (body.length === 0) return 'Empty character constant.';
  if (body[0] !== '\\') {
    const code = body.codePointAt(0)!;
    if (body.length > (code > 0xffff ? 2 : 1)) return '%s is too long to be a valid character constant.';
    if (code >= 0x80) return "Non-printable value '0xffffffffffffffc3' in character constant.";
    return code;
  }
  const e = body[1];
  if (e === 'x') {
    const hex = body.slice(2);
    if (!/^[0-9A-Fa-f]{1,2}$/.test(hex)) return "%s isn't a valid character constant.";
    return parseInt(hex, 16);
  }
  if (e >= '0' && e <= '7') {
    const oct = body.slice(1);
    if (!/^[0-7]{1,3}$/.test(oct)) return '%s is too long to be a valid character constant.';
    const v = parseInt(oct, 8);
    return v > 0xff ? '%s is too large to be a valid character constant.' : v;
  }
  // tshark 4.0's character constants know these escapes; '\n' is missing there, and so here.
  const simple = e === 'n' ? undefined : SIMPLE_ESCAPES[e];
  if (simple === undefined) return body.length > 2 || e === 'n' ? '%s is too long to be a valid character constant.' : "%s isn't a valid character constant.";
  if (body.length > 2) return '%s is too long to be a valid character constant.';
  return simple;
}
