import { callableOf, defineCallable } from '../../expr/index.js';
import type { Args, Kwargs } from '../../expr/params.js';
import { pyTuple } from '../../expr/py-tuple.js';
import { keysOf, setOwn, type Mapping } from '../../expr/values.js';
import type { Expr, Node, Param } from './nodes.js';
import { childScope, type Scope } from './scope.js';

/** What a macro or a call block needs from the renderer: evaluate a default, render a body to text. */
export interface MacroRuntime {
  evaluate(expr: Expr, scope: Scope): unknown;
  renderToString(nodes: readonly Node[], scope: Scope): string;
}

/**
 * Binds a call's arguments to parameters in a new scope inside `outer`, as Jinja2 does: positional, then by name,
 * then the default (evaluated in the new scope, so it may use the parameters before it); a parameter nobody gives
 * is undefined. Extra positional arguments go to `varargs`, extra named ones to `kwargs`, `caller=` to `caller`.
 */
function bindArguments(what: string, params: readonly Param[], args: Args, kwargs: Kwargs, outer: Scope, runtime: MacroRuntime): Scope {
  const scope = childScope(outer.vars);
  const named = new Set(params.map((p) => p.name));
  params.forEach((param, i) => {
    const byName = Object.hasOwn(kwargs, param.name);
    if (i < args.length && byName) throw new TypeError(`${what} got multiple values for argument '${param.name}'`);
    if (i < args.length) setOwn(scope.locals, param.name, args[i]);
    else if (byName) setOwn(scope.locals, param.name, kwargs[param.name]);
    else setOwn(scope.locals, param.name, param.default ? runtime.evaluate(param.default, scope) : undefined);
  });
  scope.locals['varargs'] = pyTuple(args.slice(params.length));
  const extra: Mapping = {};
  for (const key of keysOf(kwargs)) {
    if (key === 'caller' && callableOf(kwargs[key])) scope.locals['caller'] = kwargs[key];
    else if (!named.has(key)) setOwn(extra, key, kwargs[key]);
  }
  scope.locals['kwargs'] = extra;
  return scope;
}

/** A macro (or a call block's `caller`, `what` naming it in errors) as a value: calling it renders its body with the arguments, in the scope it was defined in. */
export function defineMacro(what: string, params: readonly Param[], body: readonly Node[], scope: Scope, runtime: MacroRuntime): object {
  return defineCallable(Object.create(null) as object, (args, kwargs) => runtime.renderToString(body, bindArguments(what, params, args, kwargs, scope, runtime)));
}
