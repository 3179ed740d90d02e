/**
 * A copy of a variables object with more variables on top. Lazily templated variables stay lazy (their getters are
 * copied, not called), and the run's context for lookups comes along (it is a symbol-keyed property).
 */
export function extendVars(vars: Readonly<Record<string, unknown>>, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(vars)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(extra)) Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
