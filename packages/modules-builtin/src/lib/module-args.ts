/** The first of several alias arguments that is set (`path`/`dest`/`name`). */
export function firstOf<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((value) => value !== undefined);
}

/** A user or group argument as text (YAML may give a numeric id as a number). */
export function idArgument(value: string | number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** Schema of an owner/group argument: a name or a numeric id. */
export function idSchema(description: string): Record<string, unknown> {
  return { anyOf: [{ type: 'string' }, { type: 'integer', minimum: 0 }], description };
}

/**
 * Schema of a mode argument: octal text ('0644'), symbolic text ('u=rw,g=r') or a number (YAML 1.1 reads 0644 as 420).
 * A type list, not anyOf: with ajv's coerceTypes an anyOf would turn 420 into the text '420' (octal 0420).
 */
export const modeSchema: Record<string, unknown> = {
  type: ['string', 'integer'],
  minimum: 0,
  maximum: 4095,
  description: "Permissions: octal text ('0644'), symbolic ('u=rw,g=r,o=r', 'u+x') or a number (YAML's 0644).",
};

/** Schema `anyOf` requiring one of several alias arguments (each branch declares its property, for ajv's strictRequired). */
export function requireOneOf(...names: string[]): Record<string, unknown>[] {
  return names.map((name) => ({ required: [name], properties: { [name]: { type: 'string' } } }));
}
