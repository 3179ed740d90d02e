import { KbrunError } from '../errors/kbrun-error.js';
import type { ModuleRegistry } from '../modules/module-registry.js';
import { locationOf, valueLocationOf } from '../source/yaml-loader.js';
import { didYouMean } from '../util/similar.js';
import type { KeywordSpec } from './keywords.js';
import { validateKeyword } from './validate-keyword.js';

/**
 * Validates the keywords of a play/task mapping against the keyword table (status and value type);
 * returns the keys that are not keywords (module candidates for a task).
 */
export function checkKeywords(entry: Record<string, unknown>, table: Map<string, KeywordSpec>, scope: 'play' | 'task', errors: KbrunError[], registry?: ModuleRegistry): string[] {
  const others: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    const spec = table.get(key);
    if (!spec) {
      if (scope === 'play') errors.push(new KbrunError('E_UNKNOWN_KEYWORD', `'${key}' is not a play keyword.${didYouMean(key, table.keys())}`, { location: locationOf(entry, key) }));
      else if (key !== 'meta') others.push(key);
      continue;
    }
    if (registry?.get(key)) {
      others.push(key);
      continue;
    }
    if (spec.status !== 'supported') {
      const message = spec.status === 'planned' ? `the ${scope} keyword '${key}' is not supported by kbrun yet` : `the ${scope} keyword '${key}' is not supported by kbrun: ${spec.reason}`;
      errors.push(new KbrunError('E_UNKNOWN_KEYWORD', message, { location: locationOf(entry, key), hint: 'see docs/ansible-compatibility.md for what is supported' }));
      continue;
    }
    const problem = validateKeyword(spec, value);
    if (problem) errors.push(new KbrunError('E_KEYWORD_TYPE', `'${key}' ${problem}`, { location: valueLocationOf(entry, key) }));
  }
  return others;
}
