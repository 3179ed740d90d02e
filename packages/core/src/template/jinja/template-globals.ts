import { defineCallable } from '../../expr/index.js';
import { arg } from '../../expr/params.js';
import { isMapping, keysOf, setOwn, typeName, type Mapping } from '../../expr/values.js';

const NAMESPACES = new WeakSet<object>();

/** True for an object made by `namespace()`: the only kind whose attributes `{% set ns.attr = … %}` may assign. */
export function isNamespace(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && NAMESPACES.has(value);
}

const callable = (fn: (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => unknown): object => defineCallable(Object.create(null) as object, fn);

/** `namespace(mapping?, **attrs)`: an object whose attributes survive the end of a loop iteration. */
const namespace = callable((args, kwargs) => {
  const ns = Object.create(null) as Mapping;
  if (args.length > 1) throw new TypeError(`namespace() takes at most 1 positional argument, got ${args.length}`);
  const initial = args[0];
  if (initial !== undefined) {
    if (!isMapping(initial)) throw new TypeError(`namespace(): expected a mapping, got ${typeName(initial)}`);
    for (const key of keysOf(initial)) setOwn(ns, key, initial[key]);
  }
  for (const key of keysOf(kwargs)) setOwn(ns, key, kwargs[key]);
  NAMESPACES.add(ns);
  return ns;
});

/** `cycler(*items)`: `next()` gives the items in turn, `current` the one next() gives next, `reset()` starts over. */
const cycler = callable((args) => {
  if (args.length === 0) throw new TypeError('cycler() needs at least one item');
  let position = 0;
  const state = Object.create(null) as Mapping;
  state['current'] = args[0];
  state['next'] = callable(() => {
    const item = args[position];
    position = (position + 1) % args.length;
    state['current'] = args[position];
    return item;
  });
  state['reset'] = callable(() => {
    position = 0;
    state['current'] = args[0];
    return null;
  });
  return state;
});

/** `joiner(sep=', ')`: each call but the first returns the separator. */
const joiner = callable((args, kwargs) => {
  const separator = arg(args, kwargs, 0, 'sep', ', ');
  let used = false;
  return callable(() => {
    if (!used) {
      used = true;
      return '';
    }
    return separator;
  });
});

/** The globals Jinja2 gives every template besides Ansible's (range, lookup… live in the expression language). */
export const TEMPLATE_GLOBALS: Readonly<Mapping> = Object.freeze({ namespace, cycler, joiner });
