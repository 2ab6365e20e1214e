/**
 * A strict JSON syntax check, run before JSON input goes through the YAML parser. YAML accepts
 * most broken JSON (`{"a":1 "b":2}` is a map with one odd string value, trailing commas pass), so
 * without this a JSON typo would surface as a baffling schema error. Returns the first error
 * with the offset of the offending character, worded the way a JSON user expects.
 */
export interface JsonSyntaxError { readonly offset: number; readonly message: string; readonly tooDeep?: boolean }

const MAX_DEPTH = 256;

export function checkJsonSyntax(text: string): JsonSyntaxError | null {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonFailure(at, message);
  };
  const describe = (at: number): string => (at >= text.length ? 'end of input' : `"${text[at]}"`);
  const ws = (): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON (use YAML for comments)');
      else return;
    }
  };
  const string = (): void => {
    const start = i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return; }
      if (c < 0x20) fail('control character in string: escape it (\\n, \\t, …)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape: expected four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`invalid escape "\\${e ?? ''}" in string`);
      } else i++;
    }
  };
  const number = (): void => {
    if (/^-?0\d/.test(text.slice(i, i + 3))) fail('numbers in JSON cannot have leading zeros');
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail(`invalid number starting at ${describe(i)}`);
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) throw new JsonFailure(i, `nested deeper than ${MAX_DEPTH} levels`, true);
    ws();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) { i += word.length; return; }
    }
    if (c === "'") fail('strings in JSON use double quotes');
    fail(i >= text.length ? 'unexpected end of input: expected a value' : `unexpected ${describe(i)}: expected a value`);
  };
  const object = (depth: number): void => {
    i++;
    ws();
    if (text[i] === '}') { i++; return; }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma: JSON does not allow a comma before "}"' : `expected a property name in double quotes, found ${describe(i)}`);
      string();
      ws();
      if (text[i] !== ':') fail(`expected ":" after the property name, found ${describe(i)}`);
      i++;
      value(depth + 1);
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '}') { i++; return; }
      fail(i >= text.length ? 'unexpected end of input: "{" is not closed' : `expected "," or "}" after the property value, found ${describe(i)}`);
    }
  };
  const array = (depth: number): void => {
    i++;
    ws();
    if (text[i] === ']') { i++; return; }
    for (;;) {
      ws();
      if (text[i] === ']') fail('trailing comma: JSON does not allow a comma before "]"');
      value(depth + 1);
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === ']') { i++; return; }
      fail(i >= text.length ? 'unexpected end of input: "[" is not closed' : `expected "," or "]" after the array element, found ${describe(i)}`);
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof JsonFailure) return e.tooDeep ? { offset: e.offset, message: e.message, tooDeep: true } : { offset: e.offset, message: e.message };
    throw e;
  }
}

class JsonFailure extends Error {
  constructor(readonly offset: number, message: string, readonly tooDeep = false) {
    super(message);
  }
}

/** Whether text with no declared format should be read as JSON: it opens with "{" or "[". */
export function looksLikeJson(text: string): boolean {
  return /^\uFEFF?\s*[{[]/.test(text);
}
