import { expressionContextOf } from './expression-context.js';
import { arg, type Args, type Kwargs } from './params.js';
import { datetimeFromEpoch, type PyDateTime } from './py-date-values.js';
import { isMapping, keysOf, setOwn, truthy, typeName, type Mapping } from './values.js';

/** A global function: positional and keyword arguments, and the variables of the expression (for lookups). */
export type GlobalFn = (args: Args, kwargs: Kwargs, vars: Readonly<Record<string, unknown>>) => unknown;

/** Python's range() refuses nothing, but a list this long is a mistake in a playbook, not a plan. */
const MAX_RANGE = 1_000_000;

function integer(value: unknown, what: string): number {
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`range(): ${what} must be an integer, got ${typeName(value)}`);
  return n;
}

/** `range(stop)`, `range(start, stop[, step])` as a list of integers. */
function range(args: Args, kwargs: Kwargs): unknown[] {
  if (keysOf(kwargs).length > 0) throw new TypeError('range() takes no keyword arguments');
  if (args.length < 1 || args.length > 3) throw new TypeError(`range() takes 1 to 3 arguments, got ${args.length}`);
  const [start, stop] = args.length === 1 ? [0, integer(args[0], 'stop')] : [integer(args[0], 'start'), integer(args[1], 'stop')];
  const step = args.length === 3 ? integer(args[2], 'step') : 1;
  if (step === 0) throw new RangeError('range(): step must not be zero');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > MAX_RANGE) throw new RangeError(`range(): ${length} items is more than the ${MAX_RANGE} allowed`);
  return Array.from({ length }, (_, i) => start + i * step);
}

/** `dict(mapping_or_pairs, **kwargs)`: a new mapping, as Python's dict(). */
function dict(args: Args, kwargs: Kwargs): Mapping {
  if (args.length > 1) throw new TypeError(`dict() takes at most 1 positional argument, got ${args.length}`);
  const out: Mapping = {};
  const source = args[0];
  if (isMapping(source)) for (const key of keysOf(source)) setOwn(out, key, source[key]);
  else if (Array.isArray(source)) {
    source.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`dict(): item ${i} of the list is not a pair (a two-item list)`);
      setOwn(out, String(pair[0]), pair[1]);
    });
  } else if (source !== undefined) throw new TypeError(`dict(): expected a mapping or a list of pairs, got ${typeName(source)}`);
  for (const key of keysOf(kwargs)) setOwn(out, key, kwargs[key]);
  return out;
}

/** `now(utc=False, fmt=None)`: the current local (or UTC) time as a datetime, or formatted with strftime. */
function now(args: Args, kwargs: Kwargs): PyDateTime | string {
  const utc = truthy(arg(args, kwargs, 0, 'utc', false));
  const fmt = arg(args, kwargs, 1, 'fmt', null);
  const date = datetimeFromEpoch((performance.timeOrigin + performance.now()) / 1000, utc);
  if (fmt === null) return date;
  if (typeof fmt !== 'string') throw new TypeError(`now(): fmt must be a string, got ${typeName(fmt)}`);
  return date.strftime(fmt);
}

/** `undef(hint=None)`: an undefined value (role defaults use it for variables the caller must set). */
function undef(args: Args, kwargs: Kwargs): undefined {
  const hint = arg(args, kwargs, 0, 'hint', null);
  if (hint !== null && typeof hint !== 'string') throw new TypeError(`undef(): hint must be a string, got ${typeName(hint)}`);
  return undefined;
}

/** `lookup(name, *terms, **options)` and `query(...)`: run on the controller through the run's context. */
function lookupCall(query: boolean): GlobalFn {
  return (args, kwargs, vars) => {
    const name = args[0];
    if (typeof name !== 'string') throw new TypeError(`${query ? 'query' : 'lookup'}(): the first argument must be the lookup's name, got ${typeName(name)}`);
    const context = expressionContextOf(vars);
    if (!context) throw new TypeError(`${query ? 'query' : 'lookup'}('${name}'): lookups only run inside a playbook's tasks and variables`);
    return context.lookup(name, args.slice(1), kwargs, query);
  };
}

/** The closed table of global functions expressions may call; any other `name(...)` is refused when compiled. */
export const GLOBALS: Readonly<Record<string, GlobalFn>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, GlobalFn>, {
    range,
    dict,
    now,
    undef,
    lookup: lookupCall(false),
    query: lookupCall(true),
    q: lookupCall(true),
  }),
);
