import { ExpressionError } from './errors.js';
import { buildEvaluator, type BuildOptions, type Vars } from './evaluate.js';
import { parseExpression } from './parser.js';
import { pyValueCount, toNative } from './py-value.js';

/** A parsed and prepared expression: evaluate it as often as needed against different variables. */
export interface CompiledExpression {
  readonly source: string;
  /** The value as plain data for the engine and modules (`10 / 2` is the number 5, a datetime its text). */
  evaluate(vars: Readonly<Record<string, unknown>>): unknown;
  /** The value with Python's types kept (a whole float is a PyFloat, a datetime a PyDateTime), for printing it as Python does (`5.0`). */
  evaluatePython(vars: Readonly<Record<string, unknown>>): unknown;
}

const MAX_CACHE = 10_000;
const plainCache = new Map<string, CompiledExpression>();
const templateCache = new Map<string, CompiledExpression>();

/**
 * Compiles an expression once (cached by source text); throws ExpressionError on syntax errors or unknown filters/tests/methods.
 * With `templateCalls` (expressions of Jinja2 template files), names and methods may call the template's macros, `caller`, `loop`…
 */
export function compileExpression(source: string, options: BuildOptions = {}): CompiledExpression {
  const cache = options.templateCalls ? templateCache : plainCache;
  const cached = cache.get(source);
  if (cached) return cached;
  if (typeof source !== 'string') throw new TypeError(`an expression must be a string, got ${source === null ? 'null' : typeof source}`);
  let evaluatePython: (vars: Vars) => unknown;
  try {
    evaluatePython = buildEvaluator(parseExpression(source), source, options);
  } catch (e) {
    if (e instanceof RangeError) throw new ExpressionError('expression is too complex to compile', source, 0, { cause: e });
    throw e;
  }
  const evaluate = (vars: Vars): unknown => {
    const mark = pyValueCount();
    return toNative(evaluatePython(vars), mark);
  };
  const compiled: CompiledExpression = Object.freeze({ source, evaluate, evaluatePython });
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(source, compiled);
  return compiled;
}
