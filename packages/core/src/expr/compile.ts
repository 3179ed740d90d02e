import { ExpressionError } from './errors.js';
import { buildEvaluator, type BuildOptions, type Vars } from './evaluate.js';
import { parseExpression } from './parser.js';

/** A parsed and prepared expression: evaluate it as often as needed against different variables. */
export interface CompiledExpression {
  readonly source: string;
  evaluate(vars: Readonly<Record<string, unknown>>): unknown;
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
  let evaluate: (vars: Vars) => unknown;
  try {
    evaluate = buildEvaluator(parseExpression(source), source, options);
  } catch (e) {
    if (e instanceof RangeError) throw new ExpressionError('expression is too complex to compile', source, 0, { cause: e });
    throw e;
  }
  const compiled: CompiledExpression = Object.freeze({ source, evaluate });
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(source, compiled);
  return compiled;
}
