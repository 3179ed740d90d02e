import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { locateControllerFile } from '../exec/find-file.js';
import { stringTerm } from './lookup-options.js';
import type { LookupEnv, LookupSpec } from './lookup-types.js';

/** A shell pattern (`*`, `?`, `[a-z]`, `[!a]`) for one file name as a RegExp, as Python's fnmatch reads it. */
function patternOf(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        let set = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        else if (set.startsWith('^')) set = `\\${set}`;
        source += `[${set}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** Files (not directories) of `directory` whose names match; hidden files only when the pattern starts with a dot. */
function matches(directory: string, glob: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return [];
  }
  const pattern = patternOf(glob);
  const hidden = glob.startsWith('.');
  return entries
    .filter((name) => (hidden || !name.startsWith('.')) && pattern.test(name))
    .map((name) => join(directory, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true)
    .sort();
}

/** The directories a term's pattern applies to: its own directory found in the search path, else each `<path>/files` and `<path>`. */
function directoriesOf(term: string, env: LookupEnv): string[] {
  if (basename(term) !== term) {
    const found = locateControllerFile(env.searchPath, 'files', dirname(term));
    return found === undefined ? [] : [found];
  }
  return env.searchPath.flatMap((path) => [join(path, 'files'), path]);
}

/** `fileglob`: controller files matching a pattern (the first directory of the search path with matches wins). */
export const fileglobLookup: LookupSpec = {
  description: 'Controller files matching a shell pattern in the search path (sorted; the first directory with matches wins).',
  options: {},
  run: (terms, _options, env) =>
    terms.flatMap((term) => {
      const text = stringTerm('fileglob', term);
      for (const directory of directoriesOf(text, env)) {
        const found = matches(directory, basename(text));
        if (found.length > 0) return found;
      }
      return [];
    }),
};
