import { compileExpression } from './compile.js';
import { ExpressionError } from './errors.js';
import { truthy, typeName } from './values.js';

/** What a `when`-like keyword may hold: an expression, a bare boolean/number, nothing, or a list of those (all must hold). */
export type Condition = string | boolean | number | null | undefined | readonly unknown[];

/** `{{ expr }}` around a whole condition (a common Ansible habit) is accepted and removed. */
const WRAPPED = /^\s*\{\{([\s\S]*)\}\}\s*$/;

/**
 * Evaluates a condition the way Ansible does: booleans and numbers as they are, strings as expressions
 * (compiled once, cached) judged by truthiness, a list as the AND of its items; null and '' count as true.
 */
export function evaluateCondition(source: Condition, vars: Readonly<Record<string, unknown>>): boolean {
  if (typeof source === 'string') {
    let text = source;
    if (text.trim() === '') return true;
    const wrapped = WRAPPED.exec(text);
    if (wrapped && !wrapped[1]!.includes('}}') && !wrapped[1]!.includes('{{')) text = wrapped[1]!;
    return truthy(compileExpression(text).evaluate(vars));
  }
  if (typeof source === 'boolean') return source;
  if (typeof source === 'number') return source !== 0;
  if (source === null || source === undefined) return true;
  if (Array.isArray(source)) {
    for (const item of source) if (!evaluateCondition(item as Condition, vars)) return false;
    return true;
  }
  const text = String(source as unknown);
  throw new ExpressionError(`a condition must be an expression string, a boolean or a list of them, got ${typeName(source)}`, text, 0);
}
