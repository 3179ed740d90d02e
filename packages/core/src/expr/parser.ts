import type { BinaryOp, CompareOp, KeywordArg, Node } from './ast.js';
import { ExpressionError } from './errors.js';
import { describeToken, tokenize, type Token } from './lexer.js';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);
/** Words after which a test takes no bare (parenthesis-less) argument. */
const NOT_A_TEST_ARG = KEYWORDS;
const CONSTANTS: ReadonlyMap<string, boolean | null> = new Map<string, boolean | null>([
  ['true', true],
  ['True', true],
  ['false', false],
  ['False', false],
  ['none', null],
  ['None', null],
  ['null', null],
]);
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const MAX_DEPTH = 100;

/** Recursive-descent parser for the Jinja2 expression subset; one instance per source string. */
class Parser {
  private pos = 0;
  private depth = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly source: string,
    tokens?: Token[],
  ) {
    this.tokens = tokens ?? tokenize(source);
  }

  parseAll(): Node {
    if (this.atEnd()) this.fail('expected an expression, found end of expression', this.cur.start);
    const node = this.parseExpression();
    if (!this.atEnd()) {
      this.fail(
        `unexpected ${describeToken(this.cur)} after a complete expression: expected an operator such as 'and', '==' or '|', or the end of the expression`,
        this.cur.start,
      );
    }
    return node;
  }

  // ---- a template tag's reader (see TagReader) -----------------------------------------------

  /** Where the tokens end: the offset of a tag's closing delimiter (or the source's length). */
  get end(): number {
    return this.tokens[this.tokens.length - 1]!.start;
  }

  /** The token `k` places ahead, not consumed. */
  token(k = 0): Token {
    return this.peek(k);
  }

  /** Consumes one token. */
  take(): Token {
    return this.next();
  }

  /** One expression from the current token: its source span; `conditional: false` leaves a trailing `if` alone. */
  expressionSpan(conditional = true): { start: number; end: number } {
    const start = this.cur.start;
    if (conditional) this.parseExpression();
    else this.parseOr();
    return { start, end: this.lastEnd };
  }

  // ---- token helpers -------------------------------------------------------------------------

  private get cur(): Token {
    return this.tokens[this.pos]!;
  }

  private peek(k = 1): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  private atEnd(): boolean {
    return this.cur.type === 'end';
  }

  private get lastEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1]!.end : 0;
  }

  private next(): Token {
    const t = this.cur;
    if (t.type !== 'end') this.pos++;
    return t;
  }

  private isOp(value: string): boolean {
    return this.cur.type === 'op' && this.cur.value === value;
  }

  private isWord(value: string): boolean {
    return this.cur.type === 'name' && this.cur.value === value;
  }

  private fail(detail: string, at: number): never {
    throw new ExpressionError(detail, this.source, at);
  }

  /** Consumes the closing bracket of a construct, or explains which opener is left unclosed. */
  private close(closer: string, what: string, opener: Token, alternatives = ''): Token {
    if (this.isOp(closer)) return this.next();
    this.fail(
      `expected ${alternatives}'${closer}' to close the ${what} opened at column ${opener.start + 1}, found ${describeToken(this.cur)}`,
      this.cur.start,
    );
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`expression is nested too deeply (more than ${MAX_DEPTH} levels)`, this.cur.start);
  }

  // ---- grammar, loosest binding first --------------------------------------------------------

  private parseExpression(): Node {
    this.enter();
    let node = this.parseOr();
    while (this.isWord('if')) {
      const at = this.next().start;
      const test = this.parseOr();
      let otherwise: Node | null = null;
      if (this.isWord('else')) {
        this.next();
        otherwise = this.parseExpression();
      }
      node = { kind: 'conditional', test, then: node, otherwise, start: node.start, end: this.lastEnd, at };
    }
    this.depth--;
    return node;
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      const at = this.next().start;
      const right = this.parseAnd();
      left = { kind: 'logical', op: 'or', left, right, start: left.start, end: right.end, at };
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.isWord('and')) {
      const at = this.next().start;
      const right = this.parseNot();
      left = { kind: 'logical', op: 'and', left, right, start: left.start, end: right.end, at };
    }
    return left;
  }

  private parseNot(): Node {
    if (this.isWord('not')) {
      this.enter();
      const at = this.next().start;
      const operand = this.parseNot();
      this.depth--;
      return { kind: 'unary', op: 'not', operand, start: at, end: operand.end, at };
    }
    return this.parseCompare();
  }

  private parseCompare(): Node {
    const first = this.parseMath1();
    const ops: CompareOp[] = [];
    const opAts: number[] = [];
    const rest: Node[] = [];
    for (;;) {
      const t = this.cur;
      let op: CompareOp;
      if (t.type === 'op' && COMPARE_OPS.has(t.value)) {
        op = t.value as CompareOp;
        this.next();
      } else if (this.isWord('in')) {
        op = 'in';
        this.next();
      } else if (this.isWord('not') && this.peek().type === 'name' && this.peek().value === 'in') {
        op = 'not in';
        this.next();
        this.next();
      } else {
        break;
      }
      ops.push(op);
      opAts.push(t.start);
      rest.push(this.parseMath1());
    }
    if (ops.length === 0) return first;
    return { kind: 'compare', first, ops, opAts, rest, start: first.start, end: rest[rest.length - 1]!.end, at: opAts[0]! };
  }

  private parseBinaryLevel(ops: readonly string[], operand: () => Node): Node {
    let left = operand();
    while (this.cur.type === 'op' && ops.includes(this.cur.value)) {
      const t = this.next();
      const right = operand();
      left = { kind: 'binary', op: t.value as BinaryOp, left, right, start: left.start, end: right.end, at: t.start };
    }
    return left;
  }

  private parseMath1(): Node {
    return this.parseBinaryLevel(['+', '-'], () => this.parseConcat());
  }

  private parseConcat(): Node {
    return this.parseBinaryLevel(['~'], () => this.parseMath2());
  }

  private parseMath2(): Node {
    return this.parseBinaryLevel(['*', '/', '//', '%'], () => this.parsePow());
  }

  private parsePow(): Node {
    return this.parseBinaryLevel(['**'], () => this.parseUnary(true));
  }

  private parseUnary(withFilters: boolean): Node {
    let node: Node;
    if (this.isOp('-') || this.isOp('+')) {
      this.enter();
      const t = this.next();
      const operand = this.parseUnary(false);
      this.depth--;
      node = { kind: 'unary', op: t.value as '-' | '+', operand, start: t.start, end: operand.end, at: t.start };
    } else {
      node = this.parsePostfix(this.parsePrimary());
    }
    return withFilters ? this.parseFiltersAndTests(node) : node;
  }

  private parseFiltersAndTests(node: Node): Node {
    for (;;) {
      if (this.isOp('|')) node = this.parseFilter(node);
      else if (this.isWord('is')) node = this.parseTest(node);
      else return node;
    }
  }

  /** A filter or test name, possibly dotted (`ansible.builtin.default`). */
  private parseDottedName(what: string, after: string): Token & { dotted: string } {
    const t = this.cur;
    if (t.type !== 'name') this.fail(`expected a ${what} name after '${after}', found ${describeToken(t)}`, t.start);
    this.next();
    let dotted = t.value;
    while (this.isOp('.') && this.peek().type === 'name') {
      this.next();
      dotted += `.${this.next().value}`;
    }
    return { ...t, dotted };
  }

  private parseFilter(operand: Node): Node {
    this.next(); // '|'
    const name = this.parseDottedName('filter', '|');
    let args: Node[] = [];
    let kwargs: KeywordArg[] = [];
    if (this.isOp('(')) ({ args, kwargs } = this.parseArguments(`arguments of filter '${name.dotted}'`));
    return { kind: 'filter', operand, name: name.dotted, args, kwargs, start: operand.start, end: this.lastEnd, at: name.start };
  }

  private parseTest(operand: Node): Node {
    this.next(); // 'is'
    let negated = false;
    if (this.isWord('not')) {
      this.next();
      negated = true;
    }
    const name = this.parseDottedName('test', negated ? 'is not' : 'is');
    let args: Node[] = [];
    let kwargs: KeywordArg[] = [];
    const t = this.cur;
    if (this.isOp('(')) {
      ({ args, kwargs } = this.parseArguments(`arguments of test '${name.dotted}'`));
    } else if (
      t.type === 'string' ||
      t.type === 'number' ||
      (t.type === 'op' && (t.value === '[' || t.value === '{')) ||
      (t.type === 'name' && !NOT_A_TEST_ARG.has(t.value))
    ) {
      // Jinja allows one bare argument: `x is divisibleby 3`, `x is sameas false`.
      args = [this.parsePostfix(this.parsePrimary())];
    }
    if (this.isWord('is')) this.fail("cannot chain tests with 'is': combine them with 'and'", this.cur.start);
    return { kind: 'test', operand, name: name.dotted, negated, args, kwargs, start: operand.start, end: this.lastEnd, at: name.start };
  }

  private parseArguments(what: string): { args: Node[]; kwargs: KeywordArg[] } {
    const opener = this.next(); // '('
    const args: Node[] = [];
    const kwargs: KeywordArg[] = [];
    while (!this.isOp(')')) {
      if (this.cur.type === 'name' && this.peek().type === 'op' && this.peek().value === '=') {
        const name = this.next();
        this.next(); // '='
        if (kwargs.some((k) => k.name === name.value)) this.fail(`keyword argument '${name.value}' is given twice`, name.start);
        kwargs.push({ name: name.value, value: this.parseExpression() });
      } else {
        if (kwargs.length > 0) this.fail('positional arguments must come before keyword arguments', this.cur.start);
        if (this.atEnd()) break;
        args.push(this.parseExpression());
      }
      if (this.isOp(',')) this.next();
      else break;
    }
    this.close(')', what, opener, "',' or ");
    return { args, kwargs };
  }

  private parsePostfix(node: Node): Node {
    let lastWasDotName = false;
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const t = this.cur;
        if (t.type === 'name') {
          this.next();
          node = { kind: 'member', object: node, key: t.value, keyExpr: null, start: node.start, end: t.end, at: t.start };
          lastWasDotName = true;
          continue;
        }
        if (t.type === 'number' && /^\d+$/.test(t.value)) {
          this.next();
          node = { kind: 'member', object: node, key: t.num, keyExpr: null, start: node.start, end: t.end, at: t.start };
          lastWasDotName = false;
          continue;
        }
        this.fail(`expected an attribute name after '.', found ${describeToken(t)}`, t.start);
      } else if (this.isOp('[')) {
        node = this.parseSubscript(node);
        lastWasDotName = false;
      } else if (this.isOp('(')) {
        const t = this.cur;
        if (node.kind === 'member' && lastWasDotName && typeof node.key === 'string') {
          const { args, kwargs } = this.parseArguments(`arguments of method '${node.key}'`);
          node = { kind: 'call', receiver: node.object, method: node.key, args, kwargs, start: node.start, end: this.lastEnd, at: node.at };
          lastWasDotName = false;
          continue;
        }
        if (node.kind === 'name') {
          const { args, kwargs } = this.parseArguments(`arguments of '${node.name}(...)'`);
          node = { kind: 'global', name: node.name, args, kwargs, start: node.start, end: this.lastEnd, at: node.start };
          lastWasDotName = false;
          continue;
        }
        this.fail('this value cannot be called: only global functions (range, lookup, query…) and methods of strings, lists and dicts can be called', t.start);
      } else {
        return node;
      }
    }
  }

  private parseSubscript(object: Node): Node {
    const opener = this.next(); // '['
    const parts: Array<Node | null> = [null];
    let isSlice = false;
    if (this.isOp(']')) this.fail(`expected an index or key inside '[ ]', found ']'`, this.cur.start);
    for (;;) {
      if (!this.isOp(':') && !this.isOp(']')) parts[parts.length - 1] = this.parseExpression();
      if (this.isOp(':') && parts.length < 3) {
        this.next();
        isSlice = true;
        parts.push(null);
        continue;
      }
      break;
    }
    const closer = this.close(']', 'subscript', opener, isSlice ? '' : "':' or ");
    if (isSlice) {
      return {
        kind: 'slice',
        object,
        lower: parts[0] ?? null,
        upper: parts[1] ?? null,
        step: parts[2] ?? null,
        start: object.start,
        end: closer.end,
        at: opener.start,
      };
    }
    const index = parts[0]!;
    if (index.kind === 'literal' && (typeof index.value === 'string' || typeof index.value === 'number')) {
      return { kind: 'member', object, key: index.value, keyExpr: null, start: object.start, end: closer.end, at: opener.start };
    }
    return { kind: 'member', object, key: null, keyExpr: index, start: object.start, end: closer.end, at: opener.start };
  }

  private parsePrimary(): Node {
    const t = this.cur;
    switch (t.type) {
      case 'name': {
        this.next();
        if (CONSTANTS.has(t.value)) return { kind: 'literal', value: CONSTANTS.get(t.value)!, start: t.start, end: t.end, at: t.start };
        if (KEYWORDS.has(t.value)) this.fail(`expected a value, found keyword '${t.value}'`, t.start);
        return { kind: 'name', name: t.value, start: t.start, end: t.end, at: t.start };
      }
      case 'string': {
        this.next();
        let value = t.value;
        while (this.cur.type === 'string') value += this.next().value; // 'a' 'b' == 'ab'
        return { kind: 'literal', value, start: t.start, end: this.lastEnd, at: t.start };
      }
      case 'number':
        this.next();
        return { kind: 'literal', value: t.num, float: /[.eE]/.test(t.value), start: t.start, end: t.end, at: t.start };
      case 'op':
        if (t.value === '(') return this.parseParens();
        if (t.value === '[') return this.parseList();
        if (t.value === '{') return this.parseDict();
        break;
      case 'end':
        break;
    }
    const prev = this.pos > 0 ? this.tokens[this.pos - 1]! : null;
    const after = prev && (prev.type === 'op' || KEYWORDS.has(prev.value)) && prev.type !== 'string' ? ` after '${prev.value}'` : '';
    this.fail(`expected a value (a name, number, string, list, dict or '(')${after}, found ${describeToken(t)}`, t.start);
  }

  private parseParens(): Node {
    const opener = this.next();
    if (this.isOp(')')) {
      const closer = this.next();
      return { kind: 'list', items: [], tuple: true, start: opener.start, end: closer.end, at: opener.start };
    }
    const first = this.parseExpression();
    if (!this.isOp(',')) {
      this.close(')', "'('", opener);
      return first;
    }
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(')')) break;
      items.push(this.parseExpression());
    }
    const closer = this.close(')', 'tuple', opener, "',' or ");
    return { kind: 'list', items, tuple: true, start: opener.start, end: closer.end, at: opener.start };
  }

  private parseList(): Node {
    const opener = this.next();
    const items: Node[] = [];
    while (!this.isOp(']') && !this.atEnd()) {
      items.push(this.parseExpression());
      if (this.isOp(',')) this.next();
      else break;
    }
    const closer = this.close(']', 'list', opener, items.length > 0 ? "',' or " : '');
    return { kind: 'list', items, start: opener.start, end: closer.end, at: opener.start };
  }

  private parseDict(): Node {
    const opener = this.next();
    const keys: Node[] = [];
    const values: Node[] = [];
    while (!this.isOp('}') && !this.atEnd()) {
      keys.push(this.parseExpression());
      if (!this.isOp(':')) this.fail(`expected ':' after the dict key, found ${describeToken(this.cur)}`, this.cur.start);
      this.next();
      values.push(this.parseExpression());
      if (this.isOp(',')) this.next();
      else break;
    }
    const closer = this.close('}', 'dict', opener, keys.length > 0 ? "',' or " : '');
    return { kind: 'dict', keys, values, start: opener.start, end: closer.end, at: opener.start };
  }
}

/** Reads one template tag: its tokens one by one, and whole expressions through the expression grammar. */
export interface TagReader {
  /** The offset of the tag's closing delimiter (the source's length when there is none). */
  readonly end: number;
  /** The token `k` places ahead (type 'end' at the tag's closing delimiter), not consumed. */
  token(k?: number): Token;
  /** Consumes one token. */
  take(): Token;
  /** Parses one expression from the current token and returns its source span (ExpressionError if it is not one). */
  expressionSpan(conditional?: boolean): { start: number; end: number };
}

/**
 * A reader of the tag that starts at `from` in a template's `source` and ends where `stop` holds outside brackets
 * (its closing delimiter): the 'end' token's start is that delimiter's offset.
 */
export function readTag(source: string, from: number, stop: (at: number) => boolean): TagReader {
  return new Parser(source, tokenize(source, from, stop));
}

/** Parses an expression into its AST; throws ExpressionError with the offset of the first problem. */
export function parseExpression(source: string): Node {
  return new Parser(source).parseAll();
}
