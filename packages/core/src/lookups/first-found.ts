import { join } from 'node:path';
import { locateControllerFile } from '../exec/find-file.js';
import { isMapping, typeName } from '../expr/values.js';
import { Templar } from '../template/templar.js';
import { boolOption, lookupError } from './lookup-options.js';
import type { LookupEnv, LookupOptions, LookupSpec } from './lookup-types.js';

const DEFAULTS: LookupOptions = { files: [], paths: [], skip: false };

/** Splits strings (and lists of strings) on any of `separators`: `'a.yml,b.yml'` → ['a.yml', 'b.yml']. */
function splitOn(value: unknown, separators: RegExp): string[] {
  if (typeof value === 'string') return value.split(separators);
  if (Array.isArray(value)) return value.flatMap((v) => splitOn(v, separators));
  throw lookupError('first_found', `'files' and 'paths' must be strings or lists of strings, got ${typeName(value)}`);
}

/** The candidate paths the terms ask for, and whether a miss is allowed (`skip`); a mapping term brings its own options. */
function candidates(terms: readonly unknown[], kwargs: LookupOptions): { search: string[]; skip: boolean } {
  let search: string[] = [];
  let skip = false;
  for (const term of terms) {
    if (Array.isArray(term)) {
      const inner = candidates(term, kwargs);
      search.push(...inner.search);
      skip = inner.skip;
      continue;
    }
    let options: LookupOptions;
    if (isMapping(term)) {
      const unknown = Object.keys(term).filter((k) => !(k in DEFAULTS));
      if (unknown.length > 0) throw lookupError('first_found', `unknown option(s) ${unknown.join(', ')} in a term (options: files, paths, skip)`);
      options = { ...DEFAULTS, ...term };
    } else if (typeof term === 'string') options = kwargs;
    else throw lookupError('first_found', `a term must be a file name, a mapping (files, paths, skip) or a list, got ${typeName(term)}`);
    skip = boolOption('first_found', options, 'skip');
    const files = splitOn(options['files'], /[,;]/);
    const paths = splitOn(options['paths'], /[,:;]/);
    // As in Ansible: paths × files; else the files (replacing what earlier terms gave); else the term itself.
    if (paths.length > 0) for (const path of paths) for (const file of files) search.push(join(path, file));
    else if (files.length > 0) search = files;
    else search.push(term as string);
  }
  return { search, skip };
}

/** A candidate with its templates rendered; undefined when it names an undefined variable (it is then skipped). */
function rendered(candidate: string, env: LookupEnv): string | undefined {
  if (!Templar.isTemplate(candidate)) return candidate;
  try {
    return String(env.templar.render(candidate, env.vars));
  } catch {
    return undefined;
  }
}

/** `first_found`: the path of the first file that exists, searched like `file` (in `templates/` for a template task's loop). */
export const firstFoundLookup: LookupSpec = {
  description: 'The first existing file of a list (files × paths), searched like `file`; `skip` returns nothing instead of failing.',
  options: DEFAULTS,
  run: (terms, options, env) => {
    const { search, skip } = candidates(terms, options);
    for (const candidate of search) {
      const name = rendered(candidate, env);
      const path = name === undefined ? undefined : locateControllerFile(env.searchPath, env.subdir, name);
      if (path !== undefined) return [path];
    }
    if (skip) return [];
    throw lookupError('first_found', `no file was found among ${JSON.stringify(search)}`, `looked in ${env.subdir}/ and beside the task, role and playbook: ${env.searchPath.join(', ')}`);
  },
};
