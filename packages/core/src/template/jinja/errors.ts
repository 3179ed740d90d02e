import { KbrunError } from '../../errors/kbrun-error.js';
import { FilterFailure } from '../../expr/errors.js';
import { ExpressionError, UndefinedVariableError } from '../../expr/index.js';
import type { TemplateSource } from './source.js';

/** A mistake in a template (a tag, a delimiter, a value a statement cannot use), at its place in the file. */
export function templateError(source: TemplateSource, offset: number, message: string, hint?: string): KbrunError {
  return new KbrunError('E_TEMPLATE', message, { location: source.location(offset), hint });
}

/**
 * Turns what went wrong in an expression of a template (parsing or evaluating the text that starts at `at`) into a
 * KbrunError at the right line and column; a KbrunError raised further in (an included template, a macro, a lookup) keeps its own place.
 */
export function expressionError(error: unknown, source: TemplateSource, at: number): Error {
  if (error instanceof KbrunError || error instanceof FilterFailure) return error;
  if (error instanceof UndefinedVariableError) {
    const location = source.location(at + Math.max(0, error.offset));
    return new KbrunError('E_UNDEFINED_VAR', error.message, {
      location,
      hint: `define '${error.variable.split(/[.[]/)[0]}' (vars, inventory, -e), or test it with 'is defined' or give a default with '| default(...)'`,
      cause: error,
    });
  }
  if (error instanceof ExpressionError) return new KbrunError('E_TEMPLATE', error.detail, { location: source.location(at + error.offset), cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new KbrunError('E_TEMPLATE', message, { location: source.location(at), cause: error });
}
