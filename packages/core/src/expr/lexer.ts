import { ExpressionError } from './errors.js';

/** The kinds of token an expression is made of. */
export type TokenType = 'number' | 'string' | 'name' | 'op' | 'end';

/** One token: its kind, its text (or decoded value) and where it is in the source. */
export interface Token {
  readonly type: TokenType;
  /** Operator or name text, or the decoded string literal; for numbers the source text. */
  readonly value: string;
  /** The numeric value of a number token (0 otherwise). */
  readonly num: number;
  readonly start: number;
  readonly end: number;
}

const OPERATORS_2 = new Set(['**', '//', '==', '!=', '<=', '>=']);
const OPERATORS_1 = new Set(['+', '-', '*', '/', '%', '~', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}', '<', '>', '=']);

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\n': '',
};

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isNameStart(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_');
}

function isNameChar(ch: string | undefined): boolean {
  return isNameStart(ch) || isDigit(ch);
}

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/**
 * Splits an expression into tokens; the last token is always of type 'end'. Throws ExpressionError on bad characters.
 * From `from` on; with `stop`, the tokens end where `stop` holds at a token's start outside brackets (a template tag's
 * closing delimiter, as Jinja's lexer finds it: `{{ {'a': 1} }}` ends at the second `}}`).
 */
export function tokenize(source: string, from = 0, stop?: (at: number) => boolean): Token[] {
  const tokens: Token[] = [];
  const n = source.length;
  let i = from;
  let depth = 0;
  const fail = (detail: string, at: number): never => {
    throw new ExpressionError(detail, source, at);
  };

  while (i < n) {
    const ch = source[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (depth === 0 && stop?.(i)) break;
    const start = i;
    if (isDigit(ch)) {
      // After a '.', only an integer (so `a.0.1` is two index steps, not the float 0.1).
      const afterDot = start > 0 && source[start - 1] === '.';
      while (isDigit(source[i]) || (source[i] === '_' && isDigit(source[i + 1]))) i++;
      if (!afterDot && source[i] === '.' && isDigit(source[i + 1])) {
        i++;
        while (isDigit(source[i]) || (source[i] === '_' && isDigit(source[i + 1]))) i++;
      }
      if (!afterDot && (source[i] === 'e' || source[i] === 'E')) {
        let j = i + 1;
        if (source[j] === '+' || source[j] === '-') j++;
        if (isDigit(source[j])) {
          i = j;
          while (isDigit(source[i])) i++;
        }
      }
      if (isNameStart(source[i])) fail(`invalid number '${source.slice(start, i + 1)}'`, start);
      const text = source.slice(start, i);
      tokens.push({ type: 'number', value: text, num: Number(text.replace(/_/g, '')), start, end: i });
      continue;
    }
    if (isNameStart(ch)) {
      while (isNameChar(source[i])) i++;
      tokens.push({ type: 'name', value: source.slice(start, i), num: 0, start, end: i });
      continue;
    }
    if (ch === "'" || ch === '"') {
      i++;
      let text = '';
      let closed = false;
      while (i < n) {
        const c = source[i]!;
        if (c === ch) {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && i + 1 < n) {
          const e = source[i + 1]!;
          const simple = SIMPLE_ESCAPES[e];
          if (simple !== undefined) {
            text += simple;
            i += 2;
            continue;
          }
          const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
          const hex = source.slice(i + 2, i + 2 + hexLen);
          if (hexLen > 0 && hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
            const code = parseInt(hex, 16);
            if (code > 0x10ffff) fail(`invalid escape '\\${e}${hex}' in string`, i);
            text += String.fromCodePoint(code);
            i += 2 + hexLen;
            continue;
          }
          // Unknown escapes keep their backslash, as in Python (so '\d+' stays a regex).
          text += c + e;
          i += 2;
          continue;
        }
        text += c;
        i++;
      }
      if (!closed) fail(`unterminated string: the ${ch === "'" ? 'single' : 'double'} quote at column ${start + 1} is never closed`, start);
      tokens.push({ type: 'string', value: text, num: 0, start, end: i });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (OPERATORS_2.has(two)) {
      tokens.push({ type: 'op', value: two, num: 0, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (two === '{{') fail("'{{' is not allowed here: write the expression itself, without '{{ }}' around it", start);
    if (two === '&&') fail("unexpected '&&': use 'and'", start);
    if (two === '||') fail("unexpected '||': use 'or'", start);
    if (ch === '!') fail("unexpected '!': use 'not' to negate, or '!=' to compare", start);
    if (OPERATORS_1.has(ch)) {
      if (OPENERS.has(ch)) depth++;
      else if (CLOSERS.has(ch) && depth > 0) depth--;
      tokens.push({ type: 'op', value: ch, num: 0, start, end: i + 1 });
      i++;
      continue;
    }
    fail(`unexpected character '${ch}'`, start);
  }
  tokens.push({ type: 'end', value: '', num: 0, start: i, end: i });
  return tokens;
}

/** How a token is named in error messages: "end of expression", "'foo'", "string 'x'", "number 3". */
export function describeToken(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of expression';
    case 'string':
      return `string '${token.value.length > 30 ? `${token.value.slice(0, 27)}...` : token.value}'`;
    case 'number':
      return `number ${token.value}`;
    case 'name':
      return `'${token.value}'`;
    case 'op':
      return `'${token.value}'`;
  }
}
