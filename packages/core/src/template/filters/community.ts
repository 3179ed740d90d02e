import { stringArg } from '../../expr/params.js';
import { jmesSearch } from './jmespath.js';
import { community, type FilterSpec } from './spec.js';

/** Filters of the community.general collection that roles commonly use. */
export const COMMUNITY_FILTERS: Readonly<Record<string, FilterSpec>> = {
  json_query: community('The result of a JMESPath query on the value (`users[?active].name`), none when nothing matches.', (v, a, k) =>
    jmesSearch(stringArg(a, k, 0, 'expr', 'json_query'), v),
  ),
};
