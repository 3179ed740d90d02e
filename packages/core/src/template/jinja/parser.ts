import { templateError } from './errors.js';
import type { JinjaToken } from './lexer.js';
import { CALLER_NAME, type Expr, type Node, type Target } from './nodes.js';
import type { TemplateSource } from './source.js';
import { TagParser } from './tag-parser.js';

/** The tag that ended a body: its name and the rest of it. */
interface EndTag {
  readonly name: string;
  readonly tag: TagParser;
}

/** Tags of Jinja2 that Ansible's templates cannot use (extensions Ansible does not load) or that kbrun leaves out, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  extends: 'template inheritance is not supported: use {% include %} or macros',
  block: 'template inheritance is not supported: use {% include %} or macros',
  autoescape: 'HTML autoescaping is not supported (Ansible templates render without it)',
  do: "'do' needs the jinja2.ext.do extension, which Ansible does not load",
  break: "'break' needs the jinja2.ext.loopcontrols extension, which Ansible does not load: filter the loop instead ({% for x in items if cond %})",
  continue: "'continue' needs the jinja2.ext.loopcontrols extension, which Ansible does not load: filter the loop instead ({% for x in items if cond %})",
  trans: "'trans' needs the jinja2.ext.i18n extension, which Ansible does not load",
  debug: "'debug' needs the jinja2.ext.debug extension, which Ansible does not load",
};

const STATEMENTS = ['if', 'for', 'set', 'macro', 'call', 'filter', 'with', 'include', 'import', 'from', 'print', 'raw'];

/** Builds a template's node tree from its tokens, tag by tag (see TagParser for what is inside a tag). */
export class JinjaParser {
  private index = 0;

  /** @param newline the template's newline sequence (string literals get it too) */
  constructor(
    private readonly source: TemplateSource,
    private readonly tokens: readonly JinjaToken[],
    private readonly newline: string,
  ) {}

  /** The whole template. */
  parse(): Node[] {
    return this.body([]).nodes;
  }

  /** Nodes up to one of the tags `ends`, or to the end of the template. */
  private body(ends: readonly string[]): { nodes: Node[]; end: EndTag | undefined } {
    const nodes: Node[] = [];
    while (this.index < this.tokens.length) {
      const token = this.tokens[this.index++]!;
      if (token.type === 'text') {
        nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const tag = new TagParser(this.source, token.reader, token.at, this.newline);
      if (token.type === 'output') {
        const value = tag.exprList(true);
        tag.end();
        nodes.push({ kind: 'output', value });
        continue;
      }
      const name = tag.tagName();
      if (ends.includes(name)) return { nodes, end: { name, tag } };
      nodes.push(this.statement(name, tag, ends));
    }
    return { nodes, end: undefined };
  }

  /** The body of the tag `opener` up to one of `ends`, which must come. */
  private block(ends: readonly string[], opener: TagParser, name: string): { nodes: Node[]; end: EndTag } {
    const { nodes, end } = this.body(ends);
    if (!end) throw templateError(this.source, opener.at, `the '${name}' tag opened here is never closed: expected {% ${ends.filter((e) => e.startsWith('end')).join(' %} or {% ')} %}`);
    return { nodes, end };
  }

  /** The body of a tag that has one (`endfor`, `endmacro`…), its end tag checked. */
  private closedBody(end: string, opener: TagParser, name: string): Node[] {
    const body = this.block([end], opener, name);
    body.end.tag.end();
    return body.nodes;
  }

  private statement(name: string, tag: TagParser, ends: readonly string[]): Node {
    switch (name) {
      case 'if':
        return this.ifStatement(tag);
      case 'for':
        return this.forStatement(tag);
      case 'set':
        return this.setStatement(tag);
      case 'macro': {
        const macro = tag.name('a macro name');
        const params = tag.params(true);
        tag.end();
        return { kind: 'macro', name: macro, params, body: this.closedBody('endmacro', tag, name) };
      }
      case 'call':
        return this.callStatement(tag);
      case 'filter': {
        const filter = tag.filterChain();
        return { kind: 'filter-block', filter, body: this.closedBody('endfilter', tag, name) };
      }
      case 'with':
        return this.withStatement(tag);
      case 'include': {
        const template = tag.expr(true);
        const ignoreMissing = tag.skipWord('ignore');
        if (ignoreMissing) tag.expectWord('missing', "after 'ignore'");
        const withContext = tag.context(true);
        tag.end();
        return { kind: 'include', template, ignoreMissing, withContext };
      }
      case 'import': {
        const template = tag.expr(true);
        tag.expectWord('as', 'after the template name (import NAME as ALIAS)');
        const alias = tag.name('a name after as');
        const withContext = tag.context(false);
        tag.end();
        return { kind: 'import', template, alias, withContext };
      }
      case 'from':
        return this.fromStatement(tag);
      case 'print': {
        const value = tag.exprList(true);
        tag.end();
        return { kind: 'output', value };
      }
    }
    if (Object.hasOwn(REFUSED, name)) throw templateError(this.source, tag.at, `{% ${name} %} is not supported: ${REFUSED[name]}`);
    const expected = ends.length > 0 ? ` (expected {% ${ends.join(' %} or {% ')} %})` : '';
    throw templateError(this.source, tag.at, `unknown tag '${name}'${expected}`, `the tags are ${STATEMENTS.join(', ')} and their end tags`);
  }

  private ifStatement(tag: TagParser): Node {
    const branches: Array<{ test: Expr; body: readonly Node[] }> = [];
    let test = tag.expr(true);
    tag.end();
    for (;;) {
      const { nodes, end } = this.block(['elif', 'else', 'endif'], tag, 'if');
      branches.push({ test, body: nodes });
      if (end.name === 'elif') {
        test = end.tag.expr(true);
        end.tag.end();
        continue;
      }
      end.tag.end();
      return { kind: 'if', branches, otherwise: end.name === 'else' ? this.closedBody('endif', tag, 'if') : [] };
    }
  }

  private forStatement(tag: TagParser): Node {
    const target = tag.target(false);
    tag.expectWord('in', "after the loop's variables");
    const iterable = tag.exprList(false);
    const filter = tag.skipWord('if') ? tag.expr(true) : undefined;
    const recursive = tag.skipWord('recursive');
    tag.end();
    const { nodes, end } = this.block(['else', 'endfor'], tag, 'for');
    end.tag.end();
    const otherwise = end.name === 'else' ? this.closedBody('endfor', tag, 'for') : [];
    return { kind: 'for', target, iterable, filter, recursive, body: nodes, otherwise, at: tag.at };
  }

  private setStatement(tag: TagParser): Node {
    const target = tag.target(true);
    if (tag.skipOp('=')) {
      const value = tag.exprList(true);
      tag.end();
      return { kind: 'set', target, value, at: tag.at };
    }
    if (target.kind === 'tuple') tag.fail("a block {% set %} assigns one name: expected '=' after several names");
    const filter = tag.skipOp('|') ? tag.filterChain() : undefined;
    tag.end();
    return { kind: 'set-block', target, filter, body: this.closedBody('endset', tag, 'set'), at: tag.at };
  }

  /** `{% call(params) macro(args) %}`: the macro is called with `caller=` added to its arguments. */
  private callStatement(tag: TagParser): Node {
    const params = tag.isOp('(') ? tag.params(false) : [];
    const span = tag.span(true);
    tag.end();
    const text = this.source.text.slice(span.start, span.end);
    if (!text.endsWith(')')) throw templateError(this.source, span.start, 'a {% call %} block needs a macro call, such as {% call list_users(users) %}');
    const separator = /[(,]\s*\)$/.test(text) ? '' : ', ';
    const call = tag.compile(`${text.slice(0, -1)}${separator}caller=${CALLER_NAME})`, span.start);
    return { kind: 'call-block', params, call, body: this.closedBody('endcall', tag, 'call') };
  }

  private withStatement(tag: TagParser): Node {
    const assignments: Array<{ target: Target; value: Expr }> = [];
    while (!tag.atEnd()) {
      if (assignments.length > 0) tag.expectOp(',', 'between two assignments');
      const target = tag.target(false);
      tag.expectOp('=', 'after the name in {% with %}');
      assignments.push({ target, value: tag.expr(true) });
    }
    return { kind: 'with', assignments, body: this.closedBody('endwith', tag, 'with'), at: tag.at };
  }

  private fromStatement(tag: TagParser): Node {
    const template = tag.expr(true);
    tag.expectWord('import', 'after the template name (from NAME import MACRO)');
    const names: Array<{ name: string; alias: string; at: number }> = [];
    for (;;) {
      const token = tag.peek();
      if (token.type === 'name' && (token.value === 'with' || token.value === 'without') && tag.peek(1).value === 'context') break;
      if (names.length > 0 && !tag.skipOp(',')) break;
      if (tag.atEnd()) break;
      const at = tag.peek().start;
      const name = tag.name('a name to import');
      if (name.startsWith('_')) throw templateError(this.source, at, `'${name}': names starting with an underscore cannot be imported`);
      names.push({ name, alias: tag.skipWord('as') ? tag.name('a name after as') : name, at });
    }
    if (names.length === 0) tag.fail('expected a name to import');
    const withContext = tag.context(false);
    tag.end();
    return { kind: 'from-import', template, names, withContext };
  }
}
