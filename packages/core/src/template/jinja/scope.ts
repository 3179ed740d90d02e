import type { Mapping } from '../../expr/values.js';

type Vars = Readonly<Record<string, unknown>>;

/** The variables a template's expressions see at one place: its own assignments over the enclosing ones. */
export interface Scope {
  /** What expressions are evaluated against (own properties only, as everywhere in kbrun). */
  readonly vars: Vars;
  /** The names assigned here (`set`, loop variables, macro parameters); they hide the enclosing ones. */
  readonly locals: Mapping;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The own properties of several objects as one, the first that has a key winning, symbol keys included (so the run's
 * lookup context travels with the variables). Nothing is copied (a host's variables are many, and some are computed
 * on first read) and nothing can be written through it. Its target is an empty object of its own, so the sources may
 * be frozen.
 */
export function layered(sources: readonly object[]): Vars {
  const holder = (key: string | symbol): object | undefined => sources.find((source) => hasOwn.call(source, key));
  return new Proxy(Object.create(null) as Vars, {
    get: (_target, key) => {
      const source = holder(key);
      return source === undefined ? undefined : (source as Record<string | symbol, unknown>)[key];
    },
    has: (_target, key) => holder(key) !== undefined,
    getOwnPropertyDescriptor: (_target, key) => {
      const source = holder(key);
      const descriptor = source && Reflect.getOwnPropertyDescriptor(source, key);
      // A proxy may only report as its own a property that it may drop again: configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    ownKeys: () => [...new Set(sources.flatMap((source) => Reflect.ownKeys(source)))],
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/** A scope inside `parent` (a loop iteration, a macro call, a `with` block, an included template). */
export function childScope(parent: Vars, locals: Mapping = Object.create(null) as Mapping): Scope {
  return { vars: layered([locals, parent]), locals };
}
