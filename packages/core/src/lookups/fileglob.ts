import { basename, dirname, join } from 'node:path';
import { locateControllerFile } from '../exec/find-file.js';
import { joinPath } from '../template/filters/paths.js';
import { isRegularFile, pyGlob } from '../util/py-glob.js';
import { stringTerm } from './lookup-options.js';
import type { LookupEnv, LookupSpec } from './lookup-types.js';

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
        const found = pyGlob(joinPath([directory, basename(text)])).filter(isRegularFile);
        if (found.length > 0) return found;
      }
      return [];
    }),
};
