import { lookupError, stringTerm } from './lookup-options.js';
import type { LookupSpec } from './lookup-types.js';

/** `env`: the values of controller environment variables (the first word of each term); `default` for unset ones. */
export const envLookup: LookupSpec = {
  description: "Values of the controller's environment variables; `default` for unset ones.",
  options: { default: '' },
  run: (terms, options) =>
    terms.map((term) => {
      const name = stringTerm('env', term).trim().split(/\s+/)[0] ?? '';
      const value = Object.hasOwn(process.env, name) ? process.env[name] : options['default'];
      if (value === undefined) throw lookupError('env', `the environment variable '${name}' is not set and the default is undefined`);
      return value;
    }),
};
