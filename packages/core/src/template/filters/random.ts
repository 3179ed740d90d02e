import { arg } from '../../expr/params.js';
import { isPyFloat } from '../../expr/py-float.js';
import { randomSource } from '../../expr/py-random.js';
import { isMapping, keysOf, truthy, typeName } from '../../expr/values.js';
import { toList } from './shared.js';
import { ansible, type FilterSpec } from './spec.js';

/** An integer argument of `random` (none when absent), as Python's randrange takes it. */
function whole(value: unknown, what: string): number {
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`random: ${what} must be an integer, got ${typeName(value)}`);
  return n;
}

/** Random choices: Python's random module, reproducible with a `seed` (the numbers Ansible gives for the same seed). */
export const RANDOM_FILTERS: Readonly<Record<string, FilterSpec>> = {
  random: ansible('A random item of a list, or a random integer below the value (from `start`, by `step`); `seed` makes it repeatable.', (v, a, k) => {
    const start = arg(a, k, 0, 'start', null);
    const step = arg(a, k, 1, 'step', null);
    const source = randomSource(arg(a, k, 2, 'seed', null));
    if (typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v))) {
      return source.randrange(truthy(start) ? whole(start, 'start') : 0, Number(v), truthy(step) ? whole(step, 'step') : 1);
    }
    if (isPyFloat(v) || typeof v === 'number') throw new TypeError('random can only be used on sequences and integers');
    if (truthy(start) || truthy(step)) throw new TypeError('start and step can only be used with integer values');
    if (typeof v !== 'string' && !Array.isArray(v) && !isMapping(v)) throw new TypeError('random can only be used on sequences and integers');
    return source.choice(isMapping(v) ? keysOf(v) : toList(v));
  }),
  shuffle: ansible('The items in a random order; `seed` makes it repeatable.', (v, a, k) => {
    const seed = arg(a, k, 0, 'seed', null);
    return randomSource(truthy(seed) ? seed : null).shuffle([...toList(v)]);
  }),
};
