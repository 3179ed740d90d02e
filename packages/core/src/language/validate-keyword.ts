import AjvModule, { type ValidateFunction } from 'ajv';
import type { KeywordSpec } from './keywords.js';

const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new WeakMap<KeywordSpec, ValidateFunction>();

/** Checks a keyword's value against its schema; returns what is wrong, or undefined. */
export function validateKeyword(spec: KeywordSpec, value: unknown): string | undefined {
  let validate = compiled.get(spec);
  if (!validate) {
    validate = ajv.compile(spec.schema);
    compiled.set(spec, validate);
  }
  if (validate(value)) return undefined;
  const error = validate.errors?.[0];
  const where = error?.instancePath ? ` (at ${error.instancePath})` : '';
  return `${error?.message ?? 'is invalid'}${where}; got ${JSON.stringify(value)}`;
}
