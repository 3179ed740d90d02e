import { defineCallable, type CallableFn } from '../../expr/index.js';
import { pyEquals } from '../../expr/operators.js';
import type { Mapping } from '../../expr/values.js';

/**
 * The `loop` variables of each iteration of a for loop: index, index0, revindex, revindex0, first, last, length,
 * depth, depth0, previtem and nextitem (absent at the ends), `cycle(...)`, `changed(...)`; with `recurse` (a
 * `recursive` loop) `loop` itself can be called on a nested list.
 */
export function* loopVariables(items: readonly unknown[], depth: number, recurse?: CallableFn): Generator<Mapping> {
  let last: readonly unknown[] | undefined;
  const changed = defineCallable(Object.create(null) as object, (args) => {
    const differs = last === undefined || last.length !== args.length || args.some((value, i) => !pyEquals(value, last![i]));
    last = [...args];
    return differs;
  });
  const length = items.length;
  for (let index0 = 0; index0 < length; index0++) {
    const loop: Mapping = {
      index: index0 + 1,
      index0,
      revindex: length - index0,
      revindex0: length - index0 - 1,
      first: index0 === 0,
      last: index0 === length - 1,
      length,
      depth,
      depth0: depth - 1,
      cycle: defineCallable(Object.create(null) as object, (args) => {
        if (args.length === 0) throw new TypeError('loop.cycle() needs at least one value');
        return args[index0 % args.length];
      }),
      changed,
    };
    if (index0 > 0) loop['previtem'] = items[index0 - 1];
    if (index0 < length - 1) loop['nextitem'] = items[index0 + 1];
    yield recurse ? defineCallable(loop, recurse) : loop;
  }
}
