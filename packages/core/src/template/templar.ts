import { randomBytes } from 'node:crypto';
import Handlebars from 'handlebars';
import { KbrunError } from '../errors/kbrun-error.js';
import { compileExpression, ExpressionError, UndefinedVariableError, type CompiledExpression } from '../expr/index.js';
import { FilterFailure } from '../expr/errors.js';
import type { Node } from '../expr/ast.js';
import { parseExpression } from '../expr/parser.js';
import { isPyFloat } from '../expr/py-float.js';
import { ansibleLiteral } from '../expr/py-literal.js';
import { pyStr } from '../expr/py-string.js';
import { pyValueCount, toNative } from '../expr/py-value.js';
import type { SourceLocation } from '../source/location.js';
import { FILTERS } from './filters.js';
import { doubleBackslashes, splitTemplate } from './jinja-expressions.js';
import { ANSIBLE_SYNTAX } from './jinja/options.js';
import { renderTemplate } from './jinja/renderer.js';
import { compileTemplate, type CompiledTemplate } from './jinja/template.js';

type AST = hbs.AST.Program;
type Expr = hbs.AST.Expression;
type Vars = Readonly<Record<string, unknown>>;

/** The value of the `omit` variable: an argument templated to it is dropped. */
export const OMIT = `__omit_place_holder__${randomBytes(8).toString('hex')}`;

/** How one template text is evaluated, decided once per distinct text. */
type Compiled =
  | { kind: 'native'; expr: Expr }
  | { kind: 'jinja-native'; expr: CompiledExpression; keepsText: boolean }
  | { kind: 'text'; render: (vars: Vars) => string; flat: boolean }
  | { kind: 'jinja-text'; parts: Array<string | CompiledExpression> }
  | { kind: 'jinja-statements'; template: CompiledTemplate; trailingNewlines: number };

const STR_HELPER = '__kbrun_str';

/**
 * Renders `{{ }}` templates with Handlebars (HTML escaping off, helpers = the filter table), compiled once per text.
 * A value that is exactly one `{{ expr }}` keeps its native type. A `{{ }}` Handlebars cannot read
 * (`{{ x | default('y') }}`) is evaluated as an Ansible/Jinja expression, so Ansible playbooks keep working.
 */
export class Templar {
  private readonly hb = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();

  constructor() {
    for (const [name, filter] of Object.entries(FILTERS)) {
      this.hb.registerHelper(name, (...params: unknown[]) => {
        const options = params.pop() as Handlebars.HelperOptions;
        const [value, ...rest] = params;
        return filter(value, rest, options.hash ?? {});
      });
    }
    this.hb.registerHelper(STR_HELPER, (value: unknown, options: Handlebars.HelperOptions) => {
      const path = options.hash?.['path'] as string | undefined;
      if (value === undefined && path !== undefined) throw new UndefinedVariableError(firstUndefined(path, options.data?.root));
      return stringify(value);
    });
  }

  /** True when a string contains a template: an expression `{{ }}`, or a Jinja2 statement `{% %}` or comment `{# #}` (closed). */
  static isTemplate(value: string): boolean {
    return value.includes('{{') || hasStatements(value);
  }

  /** True when a value (deeply) contains a template string. */
  static containsTemplate(value: unknown): boolean {
    if (typeof value === 'string') return Templar.isTemplate(value);
    if (Array.isArray(value)) return value.some((v) => Templar.containsTemplate(v));
    if (value !== null && typeof value === 'object') return Object.values(value).some((v) => Templar.containsTemplate(v));
    return false;
  }

  /**
   * Renders one string value; exactly `{{ expr }}` keeps the expression's native type. As in Ansible, text that
   * results and reads as a Python list, dict or boolean literal (`[1, 2]`, `{'a': 1}`, `True`) becomes that value,
   * unless it is exactly the output of a filter that makes text (`to_json`, `string`…).
   */
  render(text: string, vars: Vars, location?: SourceLocation): unknown {
    return this.renderValue(text, vars, location, true, false);
  }

  /** Renders a template file's text; always a string. */
  renderText(text: string, vars: Vars, name: string): string {
    const value = this.renderValue(text, vars, { file: name, line: 1, col: 1 }, false, false);
    return typeof value === 'string' ? value : stringify(value);
  }

  /**
   * Renders every template string inside a value as Ansible shows it in text (a `debug` message): like renderDeep,
   * except that a lone `{{ expr }}` whose value is a number gives its text (`'3'`, `'2.0'`) and one whose value is
   * none gives `''`, as Ansible 2.14 does, unless the expression is a bare variable name (Ansible passes those
   * through with their type).
   */
  renderDeepAsText(value: unknown, vars: Vars, location?: SourceLocation): unknown {
    if (typeof value === 'string') return this.renderValue(value, vars, location, true, true);
    if (Array.isArray(value)) return value.map((v) => this.renderDeepAsText(v, vars, location)).filter((v) => v !== OMIT);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const rendered = this.renderDeepAsText(v, vars, location);
        if (rendered !== OMIT) out[k] = rendered;
      }
      return out;
    }
    return value;
  }

  private renderValue(text: string, vars: Vars, location: SourceLocation | undefined, convert: boolean, numbersAsText: boolean): unknown {
    if (!Templar.isTemplate(text)) return text;
    const compiled = this.compile(text, location);
    const converted = (value: unknown): unknown => (convert && typeof value === 'string' ? ansibleLiteral(value) : value);
    // Ansible keeps the type of `{{ name }}` (a variable's) only: any other lone expression's number becomes its text.
    const bare = numbersAsText ? BARE_VARIABLE.exec(text) : null;
    const asText = numbersAsText && !(bare && bare[1] !== '' && Object.hasOwn(vars, bare[1]!));
    try {
      switch (compiled.kind) {
        case 'native': {
          const mark = pyValueCount();
          const value = evaluateNative(compiled.expr, vars, this.hb.helpers);
          if (asText && (isNumber(value) || value === null)) return stringify(value);
          return converted(toNative(value, mark));
        }
        case 'jinja-native': {
          if (asText) {
            const mark = pyValueCount();
            const value = compiled.expr.evaluatePython(vars);
            // a number gives its text; a none gives nothing (Jinja2's finalize in Ansible)
            if (isNumber(value) || value === null) return stringify(value);
            return compiled.keepsText ? toNative(value, mark) : converted(toNative(value, mark));
          }
          const value = compiled.expr.evaluate(vars);
          return compiled.keepsText ? value : converted(value);
        }
        case 'text':
          return compiled.flat ? converted(compiled.render(vars)) : compiled.render(vars);
        case 'jinja-text':
          return converted(compiled.parts.map((p) => (typeof p === 'string' ? p : stringify(p.evaluatePython(vars)))).join(''));
        case 'jinja-statements': {
          const output = renderTemplate(compiled.template, vars, () => undefined);
          const missing = compiled.trailingNewlines - trailingNewlines(output);
          return converted(missing > 0 ? output + '\n'.repeat(missing) : output);
        }
      }
    } catch (error) {
      throw templateError(error, text, location);
    }
  }

  /** Renders every template string inside a value (lists and mappings deeply); `omit` entries are dropped. */
  renderDeep(value: unknown, vars: Vars, location?: SourceLocation): unknown {
    if (typeof value === 'string') return this.render(value, vars, location);
    if (Array.isArray(value)) return value.map((v) => this.renderDeep(v, vars, location)).filter((v) => v !== OMIT);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const rendered = this.renderDeep(v, vars, location);
        if (rendered !== OMIT) out[k] = rendered;
      }
      return out;
    }
    return value;
  }

  private compile(text: string, location?: SourceLocation): Compiled {
    let compiled = this.cache.get(text);
    if (compiled) return compiled;
    let ast: AST | undefined;
    try {
      ast = this.hb.parse(text);
    } catch {
      ast = undefined;
    }
    if (hasStatements(text)) compiled = compileStatements(text, location);
    else compiled = ast && !JINJA_LIST_START.test(text) && this.isHandlebars(ast) ? this.fromHandlebars(ast, text) : compileJinja(text, location);
    this.cache.set(text, compiled);
    return compiled;
  }

  /**
   * True when every `{{ }}` reads as Handlebars: a variable, a literal, or a call of a known helper.
   * `{{ 'a' if x else 'b' }}` parses as Handlebars too (a call of `'a'`), but only Jinja gives it a meaning.
   */
  private isHandlebars(program: AST): boolean {
    return program.body.every((statement) => {
      if (statement.type === 'MustacheStatement' || statement.type === 'BlockStatement') {
        const m = statement as hbs.AST.MustacheStatement | hbs.AST.BlockStatement;
        if ([m.path, ...m.params].some(isJinjaOnly) || m.params.some((p) => p.type === 'PathExpression' && JINJA_WORDS.has((p as hbs.AST.PathExpression).original))) {
          return false;
        }
        const calls = m.params.length > 0 || m.hash !== undefined || statement.type === 'BlockStatement';
        if (calls && !(m.path.type === 'PathExpression' && this.hb.helpers[(m.path as hbs.AST.PathExpression).original] !== undefined)) return false;
        if (statement.type === 'BlockStatement') {
          const b = statement as hbs.AST.BlockStatement;
          return (!b.program || this.isHandlebars(b.program)) && (!b.inverse || this.isHandlebars(b.inverse));
        }
      }
      return true;
    });
  }

  private fromHandlebars(ast: AST, text: string): Compiled {
    const only = ast.body.length === 1 ? ast.body[0] : undefined;
    if (only?.type === 'MustacheStatement' && text.trim() === text) {
      return { kind: 'native', expr: mustacheExpression(only as hbs.AST.MustacheStatement) };
    }
    const parts = flatParts(ast);
    if (parts) {
      // Text and simple {{ }} only: rendered directly, without the Handlebars runtime's per-call setup.
      const helpers = this.hb.helpers;
      return { kind: 'text', flat: true, render: (vars) => parts.map((p) => (typeof p === 'string' ? p : stringify(evaluateNative(p, vars, helpers)))).join('') };
    }
    wrapMustaches(ast);
    const render = this.hb.compile(ast, { noEscape: true, strict: false });
    return { kind: 'text', flat: false, render: (vars) => render(vars) };
  }
}

/**
 * Renders a value as text the way Ansible's templates show it inside a larger string: Python's str()
 * (`True`, `5.0`, `['a', 1]`, `{'k': None}`), except that a none at the top prints as nothing.
 */
export function stringify(value: unknown): string {
  return value === undefined || value === null ? '' : pyStr(value);
}

/** Jinja's constants, which Handlebars would read as variable names. */
const JINJA_CONSTANTS = new Set(['none', 'None', 'True', 'False']);
/** Jinja's operator words: `{{ d is iterable }}` is a test, not a call of a helper named `d`. */
const JINJA_WORDS = new Set(['is', 'in', 'not', 'and', 'or', 'if', 'else']);

/** A Handlebars value only Jinja reads right: a number (`1.0` is a float, `1e-5` a path to Handlebars), or a Jinja constant. */
function isJinjaOnly(expr: Expr): boolean {
  if (expr.type === 'NumberLiteral') return true;
  if (expr.type !== 'PathExpression') return false;
  const parts = (expr as hbs.AST.PathExpression).parts;
  return parts.length === 1 && (JINJA_CONSTANTS.has(parts[0]!) || /^\d/.test(parts[0]!));
}

/** A `{{` that opens a Jinja list or subscript (`{{ [1, 2] }}`), which Handlebars would read as a `[segment]` path. */
const JINJA_LIST_START = /\{\{~?-?\s*\[/;

/** A `{{ }}` as one expression: a bare path, a literal, or a helper call (as a sub-expression). */
function mustacheExpression(m: hbs.AST.MustacheStatement): Expr {
  if (m.params.length === 0 && m.hash === undefined) return m.path as Expr;
  return { type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as Expr;
}

/** The template as text pieces and expressions when it has no blocks, partials or data variables; else undefined. */
function flatParts(program: AST): Array<string | Expr> | undefined {
  const parts: Array<string | Expr> = [];
  for (const statement of program.body) {
    if (statement.type === 'ContentStatement') parts.push((statement as hbs.AST.ContentStatement).value);
    else if (statement.type === 'CommentStatement') continue;
    else if (statement.type === 'MustacheStatement') {
      const m = statement as hbs.AST.MustacheStatement;
      if (m.path.type === 'PathExpression' && ((m.path as hbs.AST.PathExpression).data || (m.path as hbs.AST.PathExpression).depth > 0)) return undefined;
      parts.push(mustacheExpression(m));
    } else return undefined;
  }
  return parts;
}

/** Replaces each `{{x}}` by `{{__kbrun_str x path="x"}}`: variables win over helpers, undefined ones fail, values print as Python does. */
function wrapMustaches(program: AST): void {
  for (const statement of program.body) {
    if (statement.type === 'MustacheStatement') {
      const m = statement as hbs.AST.MustacheStatement;
      const isBare = m.params.length === 0 && m.hash === undefined;
      const inner = mustacheExpression(m);
      const pairs: hbs.AST.HashPair[] = [];
      if (isBare && m.path.type === 'PathExpression') {
        pairs.push({ type: 'HashPair', key: 'path', value: { type: 'StringLiteral', value: (m.path as hbs.AST.PathExpression).original, original: (m.path as hbs.AST.PathExpression).original, loc: m.loc } as Expr, loc: m.loc });
      }
      m.path = { type: 'PathExpression', data: false, depth: 0, parts: [STR_HELPER], original: STR_HELPER, loc: m.loc } as hbs.AST.PathExpression;
      m.params = [inner];
      m.hash = { type: 'Hash', pairs, loc: m.loc };
    } else if (statement.type === 'BlockStatement') {
      const b = statement as hbs.AST.BlockStatement;
      if (b.program) wrapMustaches(b.program);
      if (b.inverse) wrapMustaches(b.inverse);
    }
  }
}

/** Evaluates a single Handlebars expression without stringifying it (keeps lists, numbers, mappings). */
function evaluateNative(expr: Expr, vars: Vars, helpers: Record<string, Handlebars.HelperDelegate>): unknown {
  switch (expr.type) {
    case 'PathExpression': {
      const path = expr as hbs.AST.PathExpression;
      if (path.data || path.depth > 0) throw new KbrunError('E_TEMPLATE', `'${path.original}' only has a meaning inside a block helper`);
      let value: unknown = vars;
      const walked: string[] = [];
      for (const part of path.parts) {
        walked.push(part);
        value = ownProperty(value, part);
        if (value === undefined) throw new UndefinedVariableError(walked.join('.'));
      }
      return value;
    }
    case 'SubExpression': {
      const sub = expr as hbs.AST.SubExpression;
      const name = sub.path.original;
      const helper = helpers[name];
      if (!helper) throw new KbrunError('E_TEMPLATE', `unknown helper '${name}'`);
      const params = sub.params.map((p) => evaluateParam(p, vars, helpers));
      const hash: Record<string, unknown> = {};
      for (const pair of sub.hash?.pairs ?? []) hash[pair.key] = evaluateParam(pair.value, vars, helpers);
      return (helper as (...a: unknown[]) => unknown)(...params, { hash, fn: () => '', inverse: () => '', data: {} });
    }
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return (expr as hbs.AST.StringLiteral).value;
    case 'NullLiteral':
      return null;
    default:
      return undefined;
  }
}

/** Parameters of a helper tolerate undefined values (so `default x 'y'` works). */
function evaluateParam(expr: Expr, vars: Vars, helpers: Record<string, Handlebars.HelperDelegate>): unknown {
  if (expr.type !== 'PathExpression') return evaluateNative(expr, vars, helpers);
  let value: unknown = vars;
  for (const part of (expr as hbs.AST.PathExpression).parts) value = ownProperty(value, part);
  return value;
}

/** The shortest prefix of a dotted path that is undefined from `root` (`server.port` → `server` when server is missing). */
function firstUndefined(path: string, root: unknown): string {
  const parts = path.replace(/^this\./, '').split('.');
  let value = root;
  for (let i = 0; i < parts.length; i++) {
    value = ownProperty(value, parts[i]!);
    if (value === undefined) return parts.slice(0, i + 1).join('.');
  }
  return path;
}

function ownProperty(value: unknown, key: string): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** An Ansible expression of a playbook string, with Ansible's doubling of backslashes in its string literals. */
function compilePlaybookExpression(source: string): CompiledExpression {
  return compileExpression(doubleBackslashes(source.trim()));
}

/** A template that is one bare variable name (Ansible's SINGLE_VAR: `{{ name }}`). */
const BARE_VARIABLE = /^\{\{\s*(\w*)\s*\}\}$/;

/** An int or a float (not a boolean), as a Python value. */
function isNumber(value: unknown): boolean {
  return typeof value === 'number' || isPyFloat(value);
}

/** Filters whose text Ansible never reads back as a list, dict or boolean (its STRING_TYPE_FILTERS). */
const TEXT_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

/** True when an expression's value is the output of one of TEXT_FILTERS (`{{ x | to_json }}`). */
function keepsText(source: string): boolean {
  let node: Node;
  try {
    node = parseExpression(doubleBackslashes(source.trim()));
  } catch {
    return false;
  }
  return node.kind === 'filter' && TEXT_FILTERS.has(node.name.replace(/^ansible\.builtin\./, ''));
}

/** True when a text holds a Jinja2 statement (`{% … %}`) or comment (`{# … #}`), opened and closed. */
function hasStatements(text: string): boolean {
  const statement = text.indexOf('{%');
  if (statement >= 0 && text.indexOf('%}', statement + 2) >= 0) return true;
  const comment = text.indexOf('{#');
  return comment >= 0 && text.indexOf('#}', comment + 2) >= 0;
}

/** How many `\n` end a text. */
function trailingNewlines(text: string): number {
  let count = 0;
  while (count < text.length && text[text.length - 1 - count] === '\n') count++;
  return count;
}

/**
 * A value with Jinja2 statements, rendered as Ansible renders a templated string: Ansible's Jinja2 settings
 * (trim_blocks on), backslashes doubled in the string literals of its `{{ }}`, the text's trailing newlines kept.
 */
function compileStatements(text: string, location?: SourceLocation): Compiled {
  const source = splitTemplate(text)
    .map((p) => ('text' in p ? p.text : `{{${doubleBackslashes(p.expression)}}}`))
    .join('');
  try {
    return { kind: 'jinja-statements', template: compileTemplate(location?.file ?? '<string>', source, ANSIBLE_SYNTAX), trailingNewlines: trailingNewlines(text) };
  } catch (error) {
    throw templateError(error, text, location);
  }
}

function compileJinja(text: string, location?: SourceLocation): Compiled {
  try {
    const pieces = splitTemplate(text);
    const only = pieces.length === 1 ? pieces[0]! : undefined;
    if (only && 'expression' in only) return { kind: 'jinja-native', expr: compilePlaybookExpression(only.expression), keepsText: keepsText(only.expression) };
    return { kind: 'jinja-text', parts: pieces.map((p) => ('text' in p ? p.text : compilePlaybookExpression(p.expression))) };
  } catch (error) {
    throw templateError(error, text, location);
  }
}

function templateError(error: unknown, text: string, location?: SourceLocation): Error {
  if (error instanceof FilterFailure) return error;
  if (error instanceof KbrunError) return error.location || !location ? error : new KbrunError(error.code, error.message, { location, hint: error.hint, cause: error });
  if (error instanceof UndefinedVariableError) {
    return new KbrunError('E_UNDEFINED_VAR', `'${error.variable}' is undefined (in ${JSON.stringify(text)})`, {
      location,
      hint: `define '${error.variable.split('.')[0]}' (vars, inventory, -e) or use a default: {{default ${error.variable} 'value'}}`,
    });
  }
  const message = error instanceof ExpressionError || error instanceof Error ? error.message : String(error);
  return new KbrunError('E_TEMPLATE', `cannot render ${JSON.stringify(text)}: ${message.split('\n')[0]}`, {
    location,
    hint: 'templates are Handlebars ({{name}}, {{default x "y"}}, {{#each list}}…{{/each}}) or a single Ansible expression per {{ }}',
    cause: error,
  });
}
