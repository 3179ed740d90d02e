import { KbrunError } from '../errors/kbrun-error.js';
import { ExpressionError, UndefinedVariableError, evaluateCondition } from '../expr/index.js';
import type { Condition } from '../language/model.js';
import type { SourceLocation } from '../source/location.js';

/** Evaluates a `when`/`failed_when`/`changed_when`/`until` condition, turning expression errors into located kbrun errors. */
export function checkCondition(keyword: string, condition: Condition, vars: Readonly<Record<string, unknown>>, location: SourceLocation | undefined): boolean {
  try {
    return evaluateCondition(condition, vars);
  } catch (error) {
    throw conditionError(keyword, condition, error, location);
  }
}

/** A located error for a condition that could not be evaluated. */
function conditionError(keyword: string, condition: unknown, error: unknown, location: SourceLocation | undefined): KbrunError {
  if (error instanceof KbrunError) return error;
  if (error instanceof UndefinedVariableError) {
    return new KbrunError('E_UNDEFINED_VAR', `the condition '${keyword}: ${String(condition)}' uses '${error.variable}', which is undefined`, {
      location,
      hint: `test it first ('${error.variable} is defined and …') or give it a default`,
    });
  }
  const message = error instanceof ExpressionError || error instanceof Error ? error.message : String(error);
  return new KbrunError('E_EXPRESSION', `cannot evaluate '${keyword}: ${String(condition)}': ${message}`, { location, cause: error });
}
