import { truthy } from '../../expr/index.js';
import { pyTuple } from '../../expr/py-tuple.js';
import { isMapping, keysOf, readOwn, setOwn, typeName, type Mapping } from '../../expr/values.js';
import { stringify } from '../templar.js';
import { expressionError, templateError } from './errors.js';
import { loopVariables } from './loop.js';
import { defineMacro, type MacroRuntime } from './macro.js';
import { BODY_NAME, CALLER_NAME, type Expr, type ExprList, type Node, type Target } from './nodes.js';
import { childScope, layered, type Scope } from './scope.js';
import type { CompiledTemplate } from './template.js';
import { isNamespace, TEMPLATE_GLOBALS } from './template-globals.js';

type Vars = Readonly<Record<string, unknown>>;

/** Finds and compiles a template that another one includes or imports by name; undefined when there is none. */
export type TemplateLoader = (name: string) => CompiledTemplate | undefined;

/** Renders a compiled template against variables (which it never changes); `load` serves `include`, `import` and `from`. */
export function renderTemplate(template: CompiledTemplate, vars: Vars, load: TemplateLoader): string {
  return new Renderer(template, load).renderToString(template.nodes, rootScope(vars));
}

/** The scope a template starts in: Jinja2's globals under the variables (a variable named `namespace` wins, as in Jinja2). */
function rootScope(vars: Vars): Scope {
  return childScope(layered([vars, TEMPLATE_GLOBALS]));
}

/** Variables without the caller's: only what travels under symbols (the run's lookup context), for `without context`. */
function contextFree(vars: Vars): Vars {
  const bare = Object.create(null) as Mapping;
  for (const key of Object.getOwnPropertySymbols(vars)) Object.defineProperty(bare, key, { value: (vars as Record<symbol, unknown>)[key], enumerable: true });
  return bare;
}

/** The scope an included or imported template starts in: with context, every variable but the enclosing loop's `loop` (as in Jinja2). */
function contextScope(scope: Scope, withContext: boolean): Scope {
  return withContext ? childScope(scope.vars, { loop: undefined }) : rootScope(contextFree(scope.vars));
}

/** Walks one template's nodes; macros it defines keep it as their runtime (so their errors point into it). */
class Renderer implements MacroRuntime {
  constructor(
    private readonly template: CompiledTemplate,
    private readonly load: TemplateLoader,
  ) {}

  renderToString(nodes: readonly Node[], scope: Scope): string {
    const out: string[] = [];
    this.render(nodes, scope, out);
    return out.join('');
  }

  evaluate(expr: Expr, scope: Scope): unknown {
    try {
      return expr.compiled.evaluatePython(scope.vars);
    } catch (error) {
      throw expressionError(error, this.template.source, expr.at);
    }
  }

  private evaluateList(list: ExprList, scope: Scope): unknown {
    return list.tuple ? pyTuple(list.items.map((item) => this.evaluate(item, scope))) : this.evaluate(list.items[0]!, scope);
  }

  private fail(at: number, message: string): never {
    throw templateError(this.template.source, at, message);
  }

  private render(nodes: readonly Node[], scope: Scope, out: string[]): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out.push(node.text);
          break;
        case 'output':
          out.push(stringify(this.evaluateList(node.value, scope)));
          break;
        case 'if': {
          const branch = node.branches.find((b) => truthy(this.evaluate(b.test, scope)));
          this.render(branch ? branch.body : node.otherwise, scope, out);
          break;
        }
        case 'for':
          this.renderFor(node, scope, out);
          break;
        case 'set':
          this.assign(node.target, this.evaluateList(node.value, scope), scope, node.at);
          break;
        case 'set-block': {
          const body = this.renderToString(node.body, childScope(scope.vars));
          this.assign(node.target, node.filter ? this.evaluate(node.filter, childScope(scope.vars, { [BODY_NAME]: body })) : body, scope, node.at);
          break;
        }
        case 'macro':
          setOwn(scope.locals, node.name, defineMacro(`macro '${node.name}'`, node.params, node.body, scope, this));
          break;
        case 'call-block': {
          const caller = defineMacro('caller', node.params, node.body, scope, this);
          out.push(stringify(this.evaluate(node.call, childScope(scope.vars, { [CALLER_NAME]: caller }))));
          break;
        }
        case 'filter-block': {
          const body = this.renderToString(node.body, scope);
          out.push(stringify(this.evaluate(node.filter, childScope(scope.vars, { [BODY_NAME]: body }))));
          break;
        }
        case 'with': {
          const inner = childScope(scope.vars);
          for (const { target, value } of node.assignments) this.assign(target, this.evaluate(value, scope), inner, node.at);
          this.render(node.body, inner, out);
          break;
        }
        case 'include': {
          const template = this.find(this.evaluate(node.template, scope), node.template.at, node.ignoreMissing);
          if (template) out.push(new Renderer(template, this.load).renderToString(template.nodes, contextScope(scope, node.withContext)));
          break;
        }
        case 'import':
          setOwn(scope.locals, node.alias, this.importModule(node.template, node.withContext, scope));
          break;
        case 'from-import': {
          const module = this.importModule(node.template, node.withContext, scope);
          for (const { name, alias, at } of node.names) {
            const value = readOwn(module, name);
            if (value === undefined) this.fail(at, `the imported template does not define '${name}'`);
            setOwn(scope.locals, alias, value);
          }
          break;
        }
      }
    }
  }

  private renderFor(node: Extract<Node, { kind: 'for' }>, scope: Scope, out: string[]): void {
    const run = (value: unknown, depth: number, into: string[]): void => {
      let items = this.items(value, node.at);
      if (node.filter) {
        const filter = node.filter;
        items = items.filter((item) => {
          const inner = childScope(scope.vars);
          this.assign(node.target, item, inner, node.at);
          return truthy(this.evaluate(filter, inner));
        });
      }
      if (items.length === 0) {
        this.render(node.otherwise, childScope(scope.vars), into);
        return;
      }
      const recurse = node.recursive
        ? (args: readonly unknown[]): string => {
            if (args.length !== 1) throw new TypeError(`loop() takes the one list to loop over, got ${args.length} arguments`);
            const inner: string[] = [];
            run(args[0], depth + 1, inner);
            return inner.join('');
          }
        : undefined;
      let index = 0;
      for (const loop of loopVariables(items, depth, recurse)) {
        const inner = childScope(scope.vars);
        this.assign(node.target, items[index++], inner, node.at);
        inner.locals['loop'] = loop;
        this.render(node.body, inner, into);
      }
    };
    run(this.evaluateList(node.iterable, scope), 1, out);
  }

  /** What a for loop goes through: a list's items, a dict's keys, a string's characters. */
  private items(value: unknown, at: number): readonly unknown[] {
    if (Array.isArray(value)) return value;
    if (typeof value === 'string') return [...value];
    if (isMapping(value)) return keysOf(value);
    this.fail(at, `cannot loop over ${value === null ? 'none' : typeName(value)}: expected a list, a dict or a string`);
  }

  private assign(target: Target, value: unknown, scope: Scope, at: number): void {
    switch (target.kind) {
      case 'name':
        setOwn(scope.locals, target.name, value);
        return;
      case 'attr': {
        const namespace = readOwn(scope.vars, target.name);
        if (!isNamespace(namespace)) this.fail(at, `cannot set '${target.name}.${target.attr}': '${target.name}' is not a namespace (make it with ${target.name} = namespace())`);
        setOwn(namespace, target.attr, value);
        return;
      }
      case 'tuple': {
        const values = typeof value === 'string' ? [...value] : value;
        if (!Array.isArray(values)) this.fail(at, `cannot unpack ${typeName(value)} into ${target.items.length} names`);
        if (values.length !== target.items.length) {
          this.fail(at, values.length > target.items.length ? `too many values to unpack (expected ${target.items.length})` : `not enough values to unpack (expected ${target.items.length}, got ${values.length})`);
        }
        target.items.forEach((item, i) => this.assign(item, values[i], scope, at));
        return;
      }
    }
  }

  /** The first template found among one name or a list of names; undefined when none is and `ignoreMissing`. */
  private find(names: unknown, at: number, ignoreMissing: boolean): CompiledTemplate | undefined {
    const list = Array.isArray(names) ? names : [names];
    for (const name of list) {
      if (typeof name !== 'string') this.fail(at, `a template name must be a string, got ${typeName(name)}`);
      const template = this.load(name);
      if (template) return template;
    }
    if (ignoreMissing) return undefined;
    this.fail(at, `template ${list.map((n) => `'${String(n)}'`).join(', ')} not found (looked in templates/ of the role and the playbook, and beside the template)`);
  }

  /** Runs an imported template (its output is dropped) and gives what it defines at its top: macros and variables not starting with '_'. */
  private importModule(name: Expr, withContext: boolean, scope: Scope): Mapping {
    const template = this.find(this.evaluate(name, scope), name.at, false)!;
    const root = contextScope(scope, withContext);
    new Renderer(template, this.load).render(template.nodes, root, []);
    const module: Mapping = {};
    for (const key of Object.keys(root.locals)) if (!key.startsWith('_')) setOwn(module, key, root.locals[key]);
    return module;
  }
}
