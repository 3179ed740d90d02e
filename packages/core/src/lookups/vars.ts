import { pySearch } from '../expr/py-regex.js';
import { getMember, keysOf, readOwn } from '../expr/values.js';
import { lookupError, stringTerm } from './lookup-options.js';
import type { LookupSpec } from './lookup-types.js';

/** `vars`: the values of variables named by the terms (task variables, then the host's); `default` for missing ones. */
export const varsLookup: LookupSpec = {
  description: 'Values of variables whose names are computed (task variables, then the host\'s); `default` for missing ones.',
  options: { default: null },
  run: (terms, options, env) =>
    terms.map((term) => {
      if (typeof term !== 'string') throw lookupError('vars', `a variable name must be a string, got ${JSON.stringify(term)}`);
      let value = readOwn(env.vars, term);
      if (value === undefined) value = getMember(getMember(readOwn(env.vars, 'hostvars'), String(readOwn(env.vars, 'inventory_hostname'))), term);
      if (value !== undefined) return value;
      if (options['default'] !== null && options['default'] !== undefined) return options['default'];
      throw lookupError('vars', `no variable named '${term}'`, "define it, or give a default: lookup('vars', name, default='')");
    }),
};

/** `varnames`: the names of the task's variables matching Python regular expressions (searched anywhere in the name). */
export const varnamesLookup: LookupSpec = {
  description: 'Names of the variables matching Python regular expressions.',
  options: {},
  run: (terms, _options, env) => {
    const names = keysOf(env.vars);
    return terms.flatMap((term) => {
      const pattern = stringTerm('varnames', term);
      try {
        return names.filter((name) => pySearch(name, pattern, '') !== null);
      } catch (error) {
        throw lookupError('varnames', `cannot use '${pattern}' as a search pattern: ${(error as Error).message}`);
      }
    });
  },
};
