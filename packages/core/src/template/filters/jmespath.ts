/**
 * JMESPath (the query language of community.general's json_query filter), written from its specification:
 * fields, sub-expressions, indexes, slices, list/object/flatten/filter projections, multi-select lists and hashes,
 * pipes, `||`/`&&`/`!`, comparisons, literals, raw strings, `@`, `&expr` and the built-in functions.
 */
import { isPyFloat, pyFloat } from '../../expr/py-float.js';
import { isMapping, keysOf, readOwn, setOwn, type Mapping } from '../../expr/values.js';

type Token = { type: string; value?: unknown; at: number };

type Node =
  | { kind: 'current' }
  | { kind: 'field'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'sub'; left: Node; right: Node }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'projection'; left: Node; right: Node }
  | { kind: 'values'; left: Node; right: Node }
  | { kind: 'flatten'; left: Node; right: Node }
  | { kind: 'filter'; left: Node; condition: Node; right: Node }
  | { kind: 'pipe'; left: Node; right: Node }
  | { kind: 'or' | 'and'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'compare'; op: string; left: Node; right: Node }
  | { kind: 'list'; items: Node[] }
  | { kind: 'hash'; keys: string[]; values: Node[] }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'expref'; expr: Node };

/** A JMESPath syntax or evaluation error. */
export class JmesPathError extends Error {}

const SIMPLE: Readonly<Record<string, string>> = { '.': 'dot', '*': 'star', ',': 'comma', ':': 'colon', '{': 'lbrace', '}': 'rbrace', ']': 'rbracket', '(': 'lparen', ')': 'rparen', '@': 'current' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: string): never => {
    throw new JmesPathError(`${message} at column ${i + 1} of ${JSON.stringify(source)}`);
  };
  while (i < source.length) {
    const c = source[i]!;
    const at = i;
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j]!)) j++;
      tokens.push({ type: 'identifier', value: source.slice(i, j), at });
      i = j;
    } else if (SIMPLE[c] !== undefined) {
      tokens.push({ type: SIMPLE[c]!, at });
      i++;
    } else if (c === '[') {
      if (source[i + 1] === ']') {
        tokens.push({ type: 'flatten', at });
        i += 2;
      } else if (source[i + 1] === '?') {
        tokens.push({ type: 'filter', at });
        i += 2;
      } else {
        tokens.push({ type: 'lbracket', at });
        i++;
      }
    } else if (c === '-' || /[0-9]/.test(c)) {
      let j = i + 1;
      while (j < source.length && /[0-9]/.test(source[j]!)) j++;
      if (j === i + 1 && c === '-') fail("expected a number after '-'");
      tokens.push({ type: 'number', value: Number(source.slice(i, j)), at });
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) fail('unterminated quoted identifier');
      tokens.push({ type: 'quoted', value: JSON.parse(source.slice(i, j + 1)) as string, at });
      i = j + 1;
    } else if (c === "'") {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== "'") {
        if (source[j] === '\\' && source[j + 1] === "'") {
          text += "'";
          j += 2;
        } else text += source[j++];
      }
      if (j >= source.length) fail('unterminated raw string');
      tokens.push({ type: 'literal', value: text, at });
      i = j + 1;
    } else if (c === '`') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== '`') {
        if (source[j] === '\\' && source[j + 1] === '`') {
          text += '`';
          j += 2;
        } else text += source[j++];
      }
      if (j >= source.length) fail('unterminated literal');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // The specification's deprecated form: text that is not JSON is a string.
        value = text.trim();
      }
      tokens.push({ type: 'literal', value, at });
      i = j + 1;
    } else if (c === '|') {
      tokens.push({ type: source[i + 1] === '|' ? 'or' : 'pipe', at });
      i += source[i + 1] === '|' ? 2 : 1;
    } else if (c === '&') {
      tokens.push({ type: source[i + 1] === '&' ? 'and' : 'expref', at });
      i += source[i + 1] === '&' ? 2 : 1;
    } else if (c === '!' || c === '=' || c === '<' || c === '>') {
      if (source[i + 1] === '=') {
        tokens.push({ type: 'compare', value: `${c}=`, at });
        i += 2;
      } else if (c === '!') {
        tokens.push({ type: 'not', at });
        i++;
      } else if (c === '=') fail("expected '=='");
      else {
        tokens.push({ type: 'compare', value: c, at });
        i++;
      }
    } else fail(`unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ type: 'eof', at: source.length });
  return tokens;
}

const BINDING: Readonly<Record<string, number>> = {
  eof: 0, identifier: 0, quoted: 0, literal: 0, rbracket: 0, rparen: 0, comma: 0, rbrace: 0, number: 0, current: 0, expref: 0, colon: 0,
  pipe: 1, or: 2, and: 3, compare: 5, flatten: 9, star: 20, filter: 21, dot: 40, not: 45, lbrace: 50, lbracket: 55, lparen: 60,
};
/** Tokens with a binding power below this end a projection's right side. */
const PROJECTION_STOP = 10;
const CURRENT: Node = { kind: 'current' };

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): Node {
    const node = this.expression(0);
    if (this.peek().type !== 'eof') this.fail(`unexpected ${this.peek().type}`);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[this.pos + offset]!;
  }

  private next(): Token {
    const token = this.tokens[this.pos]!;
    if (token.type !== 'eof') this.pos++;
    return token;
  }

  private fail(message: string): never {
    throw new JmesPathError(`${message} at column ${this.peek().at + 1} of ${JSON.stringify(this.source)}`);
  }

  private expect(type: string): Token {
    if (this.peek().type !== type) this.fail(`expected ${type}, found ${this.peek().type}`);
    return this.next();
  }

  private expression(bp: number): Node {
    let left = this.nud(this.next());
    while (bp < (BINDING[this.peek().type] ?? 0)) left = this.led(this.next(), left);
    return left;
  }

  private nud(token: Token): Node {
    switch (token.type) {
      case 'literal':
        return { kind: 'literal', value: token.value };
      case 'identifier':
        return { kind: 'field', name: token.value as string };
      case 'quoted':
        if (this.peek().type === 'lparen') this.fail('a quoted identifier cannot name a function');
        return { kind: 'field', name: token.value as string };
      case 'star':
        return { kind: 'values', left: CURRENT, right: this.projectionRight(BINDING['star']!) };
      case 'not':
        return { kind: 'not', operand: this.expression(BINDING['not']!) };
      case 'current':
        return CURRENT;
      case 'expref':
        return { kind: 'expref', expr: this.expression(BINDING['expref']!) };
      case 'lparen': {
        const inner = this.expression(0);
        this.expect('rparen');
        return inner;
      }
      case 'flatten':
        return { kind: 'flatten', left: CURRENT, right: this.projectionRight(BINDING['flatten']!) };
      case 'filter':
        return this.filter(CURRENT);
      case 'lbrace':
        return this.hash();
      case 'lbracket': {
        const t = this.peek().type;
        if (t === 'number' || t === 'colon') return this.indexOrSlice(CURRENT);
        if (t === 'star' && this.peek(1).type === 'rbracket') {
          this.pos += 2;
          return { kind: 'projection', left: CURRENT, right: this.projectionRight(BINDING['star']!) };
        }
        return this.list();
      }
      default:
        return this.fail(`unexpected ${token.type === 'eof' ? 'end of expression' : token.type}`);
    }
  }

  private led(token: Token, left: Node): Node {
    switch (token.type) {
      case 'dot':
        if (this.peek().type === 'star') {
          this.next();
          return { kind: 'values', left, right: this.projectionRight(BINDING['star']!) };
        }
        return { kind: 'sub', left, right: this.dotRight(BINDING['dot']!) };
      case 'pipe':
        return { kind: 'pipe', left, right: this.expression(BINDING['pipe']!) };
      case 'or':
      case 'and':
        return { kind: token.type, left, right: this.expression(BINDING[token.type]!) };
      case 'compare':
        return { kind: 'compare', op: token.value as string, left, right: this.expression(BINDING['compare']!) };
      case 'flatten':
        return { kind: 'flatten', left, right: this.projectionRight(BINDING['flatten']!) };
      case 'filter':
        return this.filter(left);
      case 'lparen': {
        if (left.kind !== 'field') this.fail('only a name can be called');
        const args: Node[] = [];
        while (this.peek().type !== 'rparen') {
          args.push(this.expression(0));
          if (this.peek().type === 'comma') this.next();
          else if (this.peek().type !== 'rparen') this.fail("expected ',' or ')'");
        }
        this.next();
        return { kind: 'call', name: left.name, args };
      }
      case 'lbracket': {
        const t = this.peek().type;
        if (t === 'number' || t === 'colon') return this.indexOrSlice(left);
        this.expect('star');
        this.expect('rbracket');
        return { kind: 'projection', left, right: this.projectionRight(BINDING['star']!) };
      }
      default:
        return this.fail(`unexpected ${token.type}`);
    }
  }

  private indexOrSlice(left: Node): Node {
    const parts: Array<number | null> = [null, null, null];
    let part = 0;
    while (this.peek().type !== 'rbracket') {
      const t = this.next();
      if (t.type === 'colon') {
        part++;
        if (part > 2) this.fail('too many colons in a slice');
      } else if (t.type === 'number') parts[part] = t.value as number;
      else this.fail(`unexpected ${t.type} in an index`);
    }
    this.next();
    if (part === 0) return { kind: 'sub', left, right: { kind: 'index', index: parts[0]! } };
    if (parts[2] === 0) this.fail('a slice step cannot be 0');
    return { kind: 'projection', left: { kind: 'sub', left, right: { kind: 'slice', start: parts[0]!, stop: parts[1]!, step: parts[2]! } }, right: this.projectionRight(BINDING['star']!) };
  }

  private filter(left: Node): Node {
    const condition = this.expression(0);
    this.expect('rbracket');
    return { kind: 'filter', left, condition, right: this.projectionRight(BINDING['filter']!) };
  }

  private list(): Node {
    const items: Node[] = [];
    for (;;) {
      items.push(this.expression(0));
      if (this.peek().type === 'rbracket') break;
      this.expect('comma');
    }
    this.next();
    return { kind: 'list', items };
  }

  private hash(): Node {
    const keys: string[] = [];
    const values: Node[] = [];
    for (;;) {
      const key = this.next();
      if (key.type !== 'identifier' && key.type !== 'quoted') this.fail('expected a key name');
      this.expect('colon');
      keys.push(key.value as string);
      values.push(this.expression(0));
      if (this.peek().type === 'rbrace') break;
      this.expect('comma');
    }
    this.next();
    return { kind: 'hash', keys, values };
  }

  private dotRight(bp: number): Node {
    const t = this.peek().type;
    if (t === 'identifier' || t === 'quoted' || t === 'star') return this.expression(bp);
    if (t === 'lbracket') {
      this.next();
      return this.list();
    }
    if (t === 'lbrace') {
      this.next();
      return this.hash();
    }
    return this.fail(`unexpected ${t} after '.'`);
  }

  private projectionRight(bp: number): Node {
    const t = this.peek().type;
    if ((BINDING[t] ?? 0) < PROJECTION_STOP) return CURRENT;
    if (t === 'lbracket' || t === 'filter') return this.expression(bp);
    if (t === 'dot') {
      this.next();
      return this.dotRight(bp);
    }
    return this.fail(`unexpected ${t} after a projection`);
  }
}

// ---- evaluation -------------------------------------------------------------------------------------------------

function isNumber(v: unknown): boolean {
  return (typeof v === 'number' && !Number.isNaN(v)) || isPyFloat(v);
}

function num(v: unknown): number {
  return isPyFloat(v) ? v.valueOf() : (v as number);
}

function isObject(v: unknown): v is Mapping {
  return isMapping(v);
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return keysOf(v).length > 0;
  return true;
}

function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (isNumber(v)) return 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  return 'null';
}

function equal(a: unknown, b: unknown): boolean {
  if (isNumber(a) && isNumber(b)) return num(a) === num(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = keysOf(a);
    const kb = keysOf(b);
    return ka.length === kb.length && ka.every((k) => kb.includes(k) && equal(readOwn(a, k), readOwn(b, k)));
  }
  return (a ?? null) === (b ?? null);
}

function field(value: unknown, name: string): unknown {
  if (!isObject(value)) return null;
  return readOwn(value, name) ?? null;
}

function sliceOf(list: readonly unknown[], start: number | null, stop: number | null, step: number | null): unknown[] {
  const s = step ?? 1;
  const n = list.length;
  const clamp = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(s < 0 ? -1 : 0, v + n);
    return Math.min(v, s < 0 ? n - 1 : n);
  };
  const from = clamp(start, s < 0 ? n - 1 : 0);
  const to = clamp(stop, s < 0 ? -1 : n);
  const out: unknown[] = [];
  if (s > 0) for (let i = from; i < to; i += s) out.push(list[i]);
  else for (let i = from; i > to; i += s) out.push(list[i]);
  return out;
}

function project(list: readonly unknown[], right: Node): unknown[] {
  const out: unknown[] = [];
  for (const item of list) {
    const v = evaluate(right, item);
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

function evaluate(node: Node, value: unknown): unknown {
  switch (node.kind) {
    case 'current':
      return value;
    case 'field':
      return field(value, node.name);
    case 'literal':
      return node.value;
    case 'sub': {
      const left = evaluate(node.left, value);
      return left === null || left === undefined ? null : evaluate(node.right, left);
    }
    case 'index': {
      if (!Array.isArray(value)) return null;
      const i = node.index < 0 ? value.length + node.index : node.index;
      return value[i] ?? null;
    }
    case 'slice':
      return Array.isArray(value) ? sliceOf(value, node.start, node.stop, node.step) : null;
    case 'projection': {
      const left = evaluate(node.left, value);
      return Array.isArray(left) ? project(left, node.right) : null;
    }
    case 'values': {
      const left = evaluate(node.left, value);
      return isObject(left) ? project(keysOf(left).map((k) => readOwn(left, k)), node.right) : null;
    }
    case 'flatten': {
      const left = evaluate(node.left, value);
      if (!Array.isArray(left)) return null;
      const flat: unknown[] = [];
      for (const item of left) if (Array.isArray(item)) flat.push(...item);
      else flat.push(item);
      return project(flat, node.right);
    }
    case 'filter': {
      const left = evaluate(node.left, value);
      if (!Array.isArray(left)) return null;
      return project(left.filter((item) => truthy(evaluate(node.condition, item))), node.right);
    }
    case 'pipe':
      return evaluate(node.right, evaluate(node.left, value));
    case 'or': {
      const left = evaluate(node.left, value);
      return truthy(left) ? left : evaluate(node.right, value);
    }
    case 'and': {
      const left = evaluate(node.left, value);
      return truthy(left) ? evaluate(node.right, value) : left;
    }
    case 'not':
      return !truthy(evaluate(node.operand, value));
    case 'compare': {
      const a = evaluate(node.left, value);
      const b = evaluate(node.right, value);
      if (node.op === '==') return equal(a, b);
      if (node.op === '!=') return !equal(a, b);
      if (!isNumber(a) || !isNumber(b)) return null;
      const x = num(a);
      const y = num(b);
      return node.op === '<' ? x < y : node.op === '<=' ? x <= y : node.op === '>' ? x > y : x >= y;
    }
    case 'list':
      return value === null || value === undefined ? null : node.items.map((item) => evaluate(item, value) ?? null);
    case 'hash': {
      if (value === null || value === undefined) return null;
      const out = Object.create(null) as Mapping;
      node.keys.forEach((key, i) => setOwn(out, key, evaluate(node.values[i]!, value) ?? null));
      return { ...out };
    }
    case 'expref':
      EXPREFS.add(node);
      return node;
    case 'call':
      return callFunction(node.name, node.args.map((arg) => evaluate(arg, value)));
  }
}

/** Expression references (`&expr`) handed to functions: kept apart from data, which can never be one. */
const EXPREFS = new WeakSet<object>();

function check(name: string, arg: unknown, ...types: string[]): void {
  const actual = isExpref(arg) ? 'expref' : typeOf(arg);
  if (!types.includes(actual)) throw new JmesPathError(`invalid-type: ${name}() expected ${types.join(' or ')}, received ${actual}`);
}

function isExpref(v: unknown): v is Extract<Node, { kind: 'expref' }> {
  return v !== null && typeof v === 'object' && EXPREFS.has(v);
}

function byExpr(name: string, list: unknown, ref: unknown): Array<{ item: unknown; key: unknown }> {
  check(name, list, 'array');
  if (!isExpref(ref)) throw new JmesPathError(`invalid-type: ${name}() expected an expression reference (&expr)`);
  return (list as unknown[]).map((item) => ({ item, key: evaluate(ref.expr, item) }));
}

function compareKeys(name: string, a: unknown, b: unknown): number {
  if (isNumber(a) && isNumber(b)) return num(a) - num(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new JmesPathError(`invalid-type: ${name}() needs numbers or strings, all of one type`);
}

function toJsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (isPyFloat(x) ? x.valueOf() : x));
}

const FUNCTIONS: Readonly<Record<string, (args: unknown[]) => unknown>> = {
  abs: ([v]) => (check('abs', v, 'number'), Math.abs(num(v))),
  avg: ([v]) => {
    check('avg', v, 'array');
    const list = v as unknown[];
    list.forEach((x) => check('avg', x, 'number'));
    return list.length === 0 ? null : pyFloat(list.reduce<number>((s, x) => s + num(x), 0) / list.length);
  },
  ceil: ([v]) => (check('ceil', v, 'number'), Math.ceil(num(v))),
  floor: ([v]) => (check('floor', v, 'number'), Math.floor(num(v))),
  contains: ([subject, search]) => {
    check('contains', subject, 'array', 'string');
    if (typeof subject === 'string') return typeof search === 'string' && subject.includes(search);
    return (subject as unknown[]).some((x) => equal(x, search));
  },
  ends_with: ([s, suffix]) => (check('ends_with', s, 'string'), check('ends_with', suffix, 'string'), (s as string).endsWith(suffix as string)),
  starts_with: ([s, prefix]) => (check('starts_with', s, 'string'), check('starts_with', prefix, 'string'), (s as string).startsWith(prefix as string)),
  join: ([glue, list]) => {
    check('join', glue, 'string');
    check('join', list, 'array');
    (list as unknown[]).forEach((x) => check('join', x, 'string'));
    return (list as string[]).join(glue as string);
  },
  keys: ([v]) => (check('keys', v, 'object'), keysOf(v as Mapping)),
  values: ([v]) => (check('values', v, 'object'), keysOf(v as Mapping).map((k) => readOwn(v as Mapping, k))),
  length: ([v]) => {
    check('length', v, 'string', 'array', 'object');
    if (typeof v === 'string') return [...v].length;
    return Array.isArray(v) ? v.length : keysOf(v as Mapping).length;
  },
  map: ([ref, list]) => {
    check('map', list, 'array');
    if (!isExpref(ref)) throw new JmesPathError('invalid-type: map() expected an expression reference (&expr)');
    return (list as unknown[]).map((item) => evaluate(ref.expr, item) ?? null);
  },
  max: ([v]) => extreme('max', v, 1),
  min: ([v]) => extreme('min', v, -1),
  max_by: ([list, ref]) => extremeBy('max_by', list, ref, 1),
  min_by: ([list, ref]) => extremeBy('min_by', list, ref, -1),
  merge: (args) => {
    const out = Object.create(null) as Mapping;
    for (const a of args) {
      check('merge', a, 'object');
      for (const k of keysOf(a as Mapping)) setOwn(out, k, readOwn(a as Mapping, k));
    }
    return { ...out };
  },
  not_null: (args) => args.find((a) => a !== null && a !== undefined) ?? null,
  reverse: ([v]) => {
    check('reverse', v, 'array', 'string');
    return typeof v === 'string' ? [...v].reverse().join('') : [...(v as unknown[])].reverse();
  },
  sort: ([v]) => {
    check('sort', v, 'array');
    return [...(v as unknown[])].sort((a, b) => compareKeys('sort', a, b));
  },
  sort_by: ([list, ref]) =>
    byExpr('sort_by', list, ref)
      .map((entry, i) => ({ ...entry, i }))
      .sort((a, b) => compareKeys('sort_by', a.key, b.key) || a.i - b.i)
      .map((entry) => entry.item),
  sum: ([v]) => {
    check('sum', v, 'array');
    return (v as unknown[]).reduce<number>((s, x) => (check('sum', x, 'number'), s + num(x)), 0);
  },
  to_array: ([v]) => (Array.isArray(v) ? v : [v]),
  to_number: ([v]) => {
    if (isNumber(v)) return v;
    if (typeof v !== 'string' || !/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return null;
    return Number(v);
  },
  to_string: ([v]) => (typeof v === 'string' ? v : toJsonText(v)),
  type: ([v]) => typeOf(v),
};

function extreme(name: string, v: unknown, sign: number): unknown {
  check(name, v, 'array');
  const list = v as unknown[];
  if (list.length === 0) return null;
  return list.reduce((best, x) => (compareKeys(name, x, best) * sign > 0 ? x : best));
}

function extremeBy(name: string, list: unknown, ref: unknown, sign: number): unknown {
  const entries = byExpr(name, list, ref);
  if (entries.length === 0) return null;
  return entries.reduce((best, x) => (compareKeys(name, x.key, best.key) * sign > 0 ? x : best)).item;
}

function callFunction(name: string, args: unknown[]): unknown {
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) throw new JmesPathError(`unknown-function: ${name}()`);
  return fn(args);
}

const cache = new Map<string, Node>();

/** The result of a JMESPath expression on a value (jmespath.search), none for no match. */
export function jmesSearch(expression: string, value: unknown): unknown {
  let ast = cache.get(expression);
  if (!ast) {
    ast = new Parser(tokenize(expression), expression).parse();
    if (cache.size > 500) cache.clear();
    cache.set(expression, ast);
  }
  return evaluate(ast, value) ?? null;
}
