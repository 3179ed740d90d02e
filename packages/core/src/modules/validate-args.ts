import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { KbrunError } from '../errors/kbrun-error.js';
import type { SourceLocation } from '../source/location.js';
import { locationOf, valueLocationOf } from '../source/yaml-loader.js';
import { didYouMean } from '../util/similar.js';
import type { AnyModule } from './define-module.js';

const Ajv = AjvModule.default;
/** One ajv instance for all module schemas: every error collected, Ansible-like coercion ('5' → 5, 'true' → true). */
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true, verbose: true });
const validators = new WeakMap<AnyModule, ValidateFunction>();

function validatorFor(module: AnyModule): ValidateFunction {
  let validate = validators.get(module);
  if (!validate) {
    validate = ajv.compile(module.schema);
    validators.set(module, validate);
  }
  return validate;
}

/**
 * Validates (and coerces, and fills defaults of) a module's arguments in place.
 * `skip` tells which top-level arguments are still templates (validated again after templating).
 * Returns every problem as a located KbrunError; an empty list means valid.
 */
export function validateModuleArgs(
  module: AnyModule,
  args: Record<string, unknown>,
  where: { task: SourceLocation | undefined; args?: object | undefined },
  skip?: ReadonlySet<string>,
): KbrunError[] {
  const validate = validatorFor(module);
  coerceAnsibleBooleans(module, args);
  if (validate(args)) return [];
  const errors: KbrunError[] = [];
  for (const error of validate.errors ?? []) {
    const top = topKey(error);
    if (skip && top !== undefined && skip.has(top)) continue;
    if (error.keyword === 'if' || (error.keyword === 'anyOf' && errors.length > 0)) continue;
    errors.push(toKbrunError(module, error, where));
  }
  return dedupe(errors);
}

// Ansible's boolean() words (module_utils/parsing/convert_bool.py), compared lower-cased.
const TRUE_WORDS = new Set(['yes', 'on', 'true', 't', 'y', '1']);
const FALSE_WORDS = new Set(['no', 'off', 'false', 'f', 'n', '0']);

/** Ansible accepts yes/no/on/off/t/f (any case) for boolean arguments, as `k=v` strings often carry them. */
function coerceAnsibleBooleans(module: AnyModule, args: Record<string, unknown>): void {
  for (const [name, schema] of Object.entries(module.schema.properties)) {
    const value = args[name];
    if (typeof value !== 'string') continue;
    const types = [schema['type']].flat();
    if (!types.includes('boolean') || types.includes('string')) continue;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) args[name] = true;
    else if (FALSE_WORDS.has(word)) args[name] = false;
  }
}

function topKey(error: ErrorObject): string | undefined {
  const [, first] = error.instancePath.split('/');
  if (first !== undefined) return first.replace(/~1/g, '/').replace(/~0/g, '~');
  if (error.keyword === 'additionalProperties') return (error.params as { additionalProperty: string }).additionalProperty;
  return undefined;
}

function toKbrunError(module: AnyModule, error: ErrorObject, where: { task: SourceLocation | undefined; args?: object | undefined }): KbrunError {
  const argName = error.instancePath.slice(1).replace(/\//g, '.');
  const argRoot = topKey(error);
  const valueLoc = (argRoot !== undefined && where.args ? valueLocationOf(where.args, argRoot) : undefined) ?? where.task;
  const properties = Object.keys(module.schema.properties);
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = (error.params as { additionalProperty: string }).additionalProperty;
      const loc = (where.args && error.instancePath === '' ? locationOf(where.args, name) : undefined) ?? where.task;
      return new KbrunError('E_SCHEMA', `unknown argument '${name}' for module '${module.name}'.${didYouMean(name, properties)}`, {
        location: loc,
        hint: `${module.name} accepts: ${properties.join(', ')}`,
      });
    }
    case 'required': {
      const name = (error.params as { missingProperty: string }).missingProperty;
      return new KbrunError('E_SCHEMA', `missing required argument '${name}' for module '${module.name}'`, {
        location: where.task,
        hint: `add '${name}:' under '${module.name}:'`,
      });
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      return new KbrunError('E_SCHEMA', `argument '${argName}' of '${module.name}' must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}; got ${JSON.stringify(error.data)}`, { location: valueLoc });
    }
    case 'type': {
      const expected = (error.params as { type: string | string[] }).type;
      return new KbrunError('E_SCHEMA', `argument '${argName}' of '${module.name}' must be ${[expected].flat().join(' or ')}; got ${describe(error.data)}`, { location: valueLoc });
    }
    default:
      return new KbrunError('E_SCHEMA', `argument '${argName || '(arguments)'}' of '${module.name}' ${error.message ?? 'is invalid'}`, { location: valueLoc });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function dedupe(errors: KbrunError[]): KbrunError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = e.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
