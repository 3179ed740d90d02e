import { builtinName } from '../expr/params.js';
import { CONTROLLER_PATH_FILTERS } from './filters/controller-files.js';
import { COMMUNITY_FILTERS } from './filters/community.js';
import { CONVERSION_FILTERS } from './filters/conversions.js';
import { DATE_FILTERS } from './filters/dates.js';
import { DICT_FILTERS } from './filters/dicts.js';
import { ENCODING_FILTERS } from './filters/encoding.js';
import { HTML_FILTERS } from './filters/html.js';
import { LIST_FILTERS } from './filters/lists.js';
import { MATH_FILTERS } from './filters/math.js';
import { PATH_FILTERS } from './filters/paths.js';
import { RANDOM_FILTERS } from './filters/random.js';
import { REGEX_FILTERS } from './filters/regex.js';
import { SECRET_FILTERS } from './filters/secrets.js';
import { SERIALIZATION_FILTERS } from './filters/serialization.js';
import { SET_FILTERS } from './filters/sets.js';
import type { FilterFn, FilterSpec } from './filters/spec.js';
import { STRING_FILTERS } from './filters/strings.js';
import { URL_FILTERS } from './filters/urls.js';

/** The shapes of the filter registry's entries. */
export type { FilterFn, FilterOrigin, FilterSpec } from './filters/spec.js';

/** Every filter kbrun knows, by name: where it comes from, what it does, and its function (the docs' table is made from it). */
export const FILTER_SPECS: Readonly<Record<string, FilterSpec>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, FilterSpec>,
    CONVERSION_FILTERS,
    STRING_FILTERS,
    REGEX_FILTERS,
    HTML_FILTERS,
    LIST_FILTERS,
    SET_FILTERS,
    DICT_FILTERS,
    MATH_FILTERS,
    RANDOM_FILTERS,
    PATH_FILTERS,
    CONTROLLER_PATH_FILTERS,
    ENCODING_FILTERS,
    URL_FILTERS,
    SERIALIZATION_FILTERS,
    DATE_FILTERS,
    SECRET_FILTERS,
    COMMUNITY_FILTERS,
  ),
);

/**
 * Every filter kbrun runs, by name (own properties only; the object has no prototype). Shared by expressions
 * (`x | name(...)`) and Handlebars templates (registered as helpers, positional arguments).
 */
export const FILTERS: Readonly<Record<string, FilterFn>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, FilterFn>,
    Object.fromEntries(Object.entries(FILTER_SPECS).map(([name, spec]) => [name, spec.fn])),
  ),
);

/** The registry entry of a filter, accepting the `ansible.builtin.` prefix (`community.general.` for that collection's); undefined when unknown. */
export function filterSpec(name: string): FilterSpec | undefined {
  if (name.startsWith('community.general.')) {
    const bare = name.slice('community.general.'.length);
    return Object.hasOwn(FILTER_SPECS, bare) && FILTER_SPECS[bare]!.origin === 'community.general' ? FILTER_SPECS[bare] : undefined;
  }
  const bare = builtinName(name);
  return Object.hasOwn(FILTER_SPECS, bare) ? FILTER_SPECS[bare] : undefined;
}

/** Looks up a filter's function by name, accepting the `ansible.builtin.` prefix; undefined when unknown. */
export function findFilter(name: string): FilterFn | undefined {
  return filterSpec(name)?.fn;
}
