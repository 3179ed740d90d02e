import type { Mapping } from '../../expr/values.js';

/** The variables a template's expressions see at one place: its own assignments over the enclosing ones. */
export interface Scope {
  /** What expressions are evaluated against (own properties only, as everywhere in kbrun). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** The names assigned here (`set`, loop variables, macro parameters); they hide the enclosing ones. */
  readonly locals: Mapping;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A scope inside `parent` (a loop iteration, a macro call, a `with` block, an included template). Reads fall through
 * to the parent without copying it (a host's variables are many, and some are computed on first read), and symbol
 * keys too, so the run's lookup context travels with the variables.
 */
export function childScope(parent: Readonly<Record<string, unknown>>, locals: Mapping = Object.create(null) as Mapping): Scope {
  const vars = new Proxy(locals, {
    get: (target, key) => (hasOwn.call(target, key) ? target[key as string] : (parent as Record<string | symbol, unknown>)[key]),
    has: (target, key) => key in target || key in parent,
    getOwnPropertyDescriptor: (target, key) => {
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      if (own) return own;
      const inherited = Reflect.getOwnPropertyDescriptor(parent, key);
      // A proxy may not report a property it does not hold as non-configurable (the parent may be frozen).
      return inherited && { ...inherited, configurable: true };
    },
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...Reflect.ownKeys(parent)])],
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
  return { vars, locals };
}
