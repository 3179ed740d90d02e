import { compileExpression, type TagReader, type Token } from '../../expr/index.js';
import { expressionError, templateError } from './errors.js';
import { BODY_NAME, type Expr, type ExprList, type Param, type Target } from './nodes.js';
import type { TemplateSource } from './source.js';

/** How a token is named in errors about a tag. */
function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the tag';
  if (token.type === 'string') return `string '${token.value}'`;
  return `'${token.value}'`;
}

/**
 * The pieces of one `{{ }}` or `{% %}` tag: words, names, assignment targets, parameters, and expressions, which it
 * hands to the expression language (compiled from their text, so errors point at the template's line and column).
 */
export class TagParser {
  /**
   * @param at where the tag starts in the template
   * @param newline what a newline written inside a string literal becomes (Jinja2 gives string literals the
   *   template's newline sequence too)
   */
  constructor(
    private readonly source: TemplateSource,
    private readonly reader: TagReader,
    readonly at: number,
    private readonly newline: string,
  ) {}

  /** The current token, or one further ahead. */
  peek(k = 0): Token {
    return this.reader.token(k);
  }

  /** A mistake at the current token. */
  fail(message: string): never {
    throw templateError(this.source, this.peek().start, message);
  }

  /** The tag's name (its first word). */
  tagName(): string {
    const first = this.peek();
    if (first.type !== 'name') throw templateError(this.source, this.at, `expected a tag name after '${this.source.text.slice(this.at, first.start).trim()}', found ${describe(first)}`);
    return this.reader.take().value;
  }

  name(what: string): string {
    const token = this.peek();
    if (token.type !== 'name') this.fail(`expected ${what}, found ${describe(token)}`);
    return this.reader.take().value;
  }

  isOp(op: string): boolean {
    const token = this.peek();
    return token.type === 'op' && token.value === op;
  }

  skipWord(word: string): boolean {
    const token = this.peek();
    if (token.type !== 'name' || token.value !== word) return false;
    this.reader.take();
    return true;
  }

  expectWord(word: string, where: string): void {
    if (!this.skipWord(word)) this.fail(`expected '${word}' ${where}, found ${describe(this.peek())}`);
  }

  skipOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.reader.take();
    return true;
  }

  expectOp(op: string, where: string): void {
    if (!this.skipOp(op)) this.fail(`expected '${op}' ${where}, found ${describe(this.peek())}`);
  }

  atEnd(): boolean {
    return this.peek().type === 'end';
  }

  /** Checks that nothing is left in the tag. */
  end(): void {
    if (!this.atEnd()) this.fail(`unexpected ${describe(this.peek())}: expected the end of the tag`);
  }

  /** `with context` / `without context`, or the default. */
  context(fallback: boolean): boolean {
    const token = this.peek();
    if (token.type !== 'name' || (token.value !== 'with' && token.value !== 'without') || this.peek(1).value !== 'context') return fallback;
    this.reader.take();
    this.reader.take();
    return token.value === 'with';
  }

  /** `(a, b=default)`: the parameters of a macro (required) or of a call block (optional). */
  params(required: boolean): Param[] {
    const params: Param[] = [];
    if (!this.skipOp('(')) {
      if (required) this.fail(`expected '(' and the macro's parameters, found ${describe(this.peek())}`);
      return params;
    }
    while (!this.skipOp(')')) {
      if (params.length > 0) this.expectOp(',', 'between two parameters');
      if (this.skipOp(')')) break;
      const name = this.name('a parameter name');
      params.push({ name, default: this.skipOp('=') ? this.expr(true) : undefined });
    }
    return params;
  }

  /** An assignment target: names, `(a, b)` tuples, and with `attributes` a namespace's `ns.attr`. */
  target(attributes: boolean): Target {
    const items: Target[] = [this.targetItem(attributes)];
    while (this.isOp(',')) {
      this.reader.take();
      if (this.peek().type !== 'name' && !this.isOp('(')) break;
      items.push(this.targetItem(false));
    }
    return items.length === 1 ? items[0]! : { kind: 'tuple', items };
  }

  private targetItem(attributes: boolean): Target {
    if (this.skipOp('(')) {
      const inner = this.target(false);
      this.expectOp(')', 'to close the names');
      return inner;
    }
    const name = this.name('a variable name');
    if (attributes && this.skipOp('.')) return { kind: 'attr', name, attr: this.name('an attribute name') };
    return { kind: 'name', name };
  }

  /** The rest of the tag as filters (`upper | indent(2)`), applied to a block's body. */
  filterChain(): Expr {
    const from = this.peek().start;
    let end = from;
    while (!this.atEnd()) end = this.reader.take().end;
    const chain = this.source.text.slice(from, end);
    if (chain === '') throw templateError(this.source, from, 'expected a filter, such as upper or indent(4)');
    const prefix = `${BODY_NAME} | `;
    return this.compile(prefix + chain, from - prefix.length);
  }

  /** One or more expressions separated by commas (a tuple then, as in Jinja2). */
  exprList(conditional: boolean): ExprList {
    const items = [this.expr(conditional)];
    let tuple = false;
    while (this.isOp(',')) {
      this.reader.take();
      tuple = true;
      const next = this.peek();
      if (next.type === 'end' || (next.type === 'name' && (next.value === 'if' || next.value === 'recursive'))) break;
      items.push(this.expr(conditional));
    }
    return { items, tuple };
  }

  /** The source span of one expression (without a trailing `if … else` unless `conditional`). */
  span(conditional: boolean): { start: number; end: number } {
    try {
      return this.reader.expressionSpan(conditional);
    } catch (error) {
      throw expressionError(error, this.source, 0);
    }
  }

  /** One expression, compiled. */
  expr(conditional: boolean): Expr {
    const { start, end } = this.span(conditional);
    return this.compile(this.source.text.slice(start, end), start);
  }

  /** Compiles an expression whose text starts at `at` in the template (for errors). */
  compile(text: string, at: number): Expr {
    // Outside string literals a newline is whitespace either way, so every one can take the template's newline.
    const source = this.newline === '\n' ? text : text.replace(/\n/g, this.newline);
    try {
      return { compiled: compileExpression(source, { templateCalls: true }), at };
    } catch (error) {
      throw expressionError(error, this.source, at);
    }
  }
}
