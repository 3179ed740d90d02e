import { KbrunError, UndefinedVariableError, type ModuleContext } from '@kbrun/core';

/** The value of an expression, `undefined` when it names an undefined variable, or the evaluation error. */
export function evaluateSafely(ctx: ModuleContext, expression: string): { value: unknown } | { error: Error } {
  try {
    return { value: ctx.evaluate(expression) };
  } catch (error) {
    if (error instanceof UndefinedVariableError) return { value: undefined };
    if (error instanceof KbrunError && error.code === 'E_UNDEFINED_VAR') return { value: undefined };
    if (error instanceof Error) return { error };
    throw error;
  }
}
