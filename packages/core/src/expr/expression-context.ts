/**
 * What a running playbook lends the expressions of one task: `lookup()` and `query()`. The engine attaches it to
 * the variables object under a symbol, so it travels with copies of the variables (`{...vars}`) and no expression can
 * name or read it (expressions only reach own string-keyed properties).
 */
export interface ExpressionContext {
  /** Runs the lookup `name` on `terms` with Ansible's keyword options; `query` forces a list result (query()/q()). */
  lookup(name: string, terms: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, query: boolean): unknown;
}

const CONTEXT = Symbol('kbrun.expressionContext');

/** Attaches the run's context to a variables object (enumerable, so spreading the variables keeps it). */
export function attachExpressionContext(vars: object, context: ExpressionContext): void {
  Object.defineProperty(vars, CONTEXT, { value: context, enumerable: true, writable: true, configurable: true });
}

/** The context attached to a variables object (or to the object it was copied from); undefined outside a run. */
export function expressionContextOf(vars: object): ExpressionContext | undefined {
  return (vars as { [CONTEXT]?: ExpressionContext })[CONTEXT];
}
