import { KbrunError } from '../errors/kbrun-error.js';
import { UndefinedVariableError } from '../expr/errors.js';
import { keysOf, truthy } from '../expr/values.js';
import { suggest } from '../util/similar.js';
import { findLookup, LOOKUPS, UNSUPPORTED_LOOKUPS } from './lookup-table.js';
import { lookupError } from './lookup-options.js';
import type { LookupEnv, LookupSpec } from './lookup-types.js';

/** Keyword arguments lookup()/query() take for themselves rather than for the lookup. */
const CALL_OPTIONS = new Set(['wantlist', 'errors', 'allow_unsafe']);

/** The lookup of that name, or an E_LOOKUP error saying why there is none (left out on purpose, or a typo). */
export function lookupSpec(name: string): LookupSpec {
  const spec = findLookup(name);
  if (spec) return spec;
  const bare = name.replace(/^ansible\.builtin\./, '');
  if (Object.hasOwn(UNSUPPORTED_LOOKUPS, bare)) throw new KbrunError('E_LOOKUP', `the lookup '${bare}' is not supported by kbrun: ${UNSUPPORTED_LOOKUPS[bare]}`);
  const did = suggest(bare, Object.keys(LOOKUPS));
  throw new KbrunError('E_LOOKUP', `unknown lookup '${name}'${did.length ? `; did you mean ${did.map((d) => `'${d}'`).join(' or ')}?` : ''}`, {
    hint: `lookups: ${Object.keys(LOOKUPS).join(', ')}`,
  });
}

/** A lookup's options: its defaults with the given keyword arguments; one it does not know is an error naming those it does. */
function optionsOf(name: string, spec: LookupSpec, kwargs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const options: Record<string, unknown> = { ...spec.options };
  for (const key of keysOf(kwargs)) {
    if (CALL_OPTIONS.has(key)) continue;
    if (!Object.hasOwn(spec.options, key)) {
      const known = Object.keys(spec.options);
      throw new KbrunError('E_LOOKUP', `lookup '${name}' has no option '${key}'`, { hint: known.length ? `its options: ${known.join(', ')}` : 'it takes no options' });
    }
    options[key] = kwargs[key];
  }
  return options;
}

/** Runs a prepared lookup; an unexpected error (a file that can't be read) becomes its E_LOOKUP failure. */
function invoke(name: string, spec: LookupSpec, terms: readonly unknown[], options: Record<string, unknown>, env: LookupEnv): unknown[] {
  try {
    return spec.run(terms, options, env);
  } catch (error) {
    if (error instanceof KbrunError || error instanceof UndefinedVariableError) throw error;
    throw lookupError(name, error instanceof Error ? error.message : String(error));
  }
}

/** Runs a lookup for a list of items (with_<name> loops); failures throw. */
export function runLookup(name: string, terms: readonly unknown[], env: LookupEnv): unknown[] {
  const spec = lookupSpec(name);
  return invoke(name, spec, terms, optionsOf(name, spec, {}), env);
}

/**
 * lookup()/query() as Ansible calls a lookup: `errors=` 'strict' (fail), 'warn' or 'ignore' (none / an empty list);
 * a list for query() and `wantlist=True`, else strings joined with commas, a single item alone, other lists as they are.
 */
export function callLookup(name: string, terms: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, query: boolean, env: LookupEnv): unknown {
  const spec = lookupSpec(name);
  const options = optionsOf(name, spec, kwargs);
  const wantlist = query || truthy(kwargs['wantlist']);
  const errors = kwargs['errors'] ?? 'strict';
  if (errors !== 'strict' && errors !== 'warn' && errors !== 'ignore') throw new KbrunError('E_LOOKUP', `lookup '${name}': errors must be 'strict', 'warn' or 'ignore', got ${JSON.stringify(errors)}`);
  let values: unknown[];
  try {
    values = invoke(name, spec, terms, options, env);
  } catch (error) {
    // Only the lookup's own failures may be ignored: not a refused address or an undefined variable.
    if (errors === 'strict' || !(error instanceof KbrunError) || error.code !== 'E_LOOKUP') throw error;
    if (errors === 'warn') env.warn(`Lookup failed but the error is being ignored: ${error.message}`);
    return wantlist ? [] : null;
  }
  if (wantlist || values.length === 0) return values;
  if (values.every((v) => typeof v === 'string')) return values.join(',');
  return values.length === 1 ? values[0] : values;
}
