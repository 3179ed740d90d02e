import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import AjvModule, { type ValidateFunction } from 'ajv';
import { SETTINGS, type JsonTypeName, type SettingKey, type SettingSchema, type SettingSpec } from './settings.js';

const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const validators = new Map<SettingKey, ValidateFunction>();

/** Why a value does not fit its setting: what was expected, what was found, and the path of the offending part. */
export interface ValueProblem {
  expected: string;
  found: string;
  /** List index of the offending item, when it is one item of a list. */
  index: number | undefined;
}

/** Checks a value against its setting's schema; undefined when it fits. */
export function checkSettingValue(key: SettingKey, value: unknown): ValueProblem | undefined {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(SETTINGS[key].schema);
    validators.set(key, validate);
  }
  if (validate(value)) return undefined;
  const segment = validate.errors?.[0]?.instancePath.split('/')[1];
  const index = segment === undefined || !Array.isArray(value) ? undefined : Number(segment);
  return { expected: describeSchema(SETTINGS[key].schema), found: describeValue(index === undefined ? value : (value as unknown[])[index]), index };
}

/** `forks expects an integer of at least 1, got 0` (with `, item 2` for one item of a list). */
export function problemMessage(name: string, problem: ValueProblem): string {
  const where = problem.index === undefined ? '' : ` (item ${problem.index + 1})`;
  return `${name} expects ${problem.expected}, got ${problem.found}${where}`;
}

/** What a schema accepts, in words: `an integer of at least 1`, `a list of non-empty strings`, `'text' or 'json'`. */
export function describeSchema(schema: SettingSchema): string {
  if (schema.enum) return orList(schema.enum.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))));
  const types = typesOf(schema);
  const parts = types.filter((t) => t !== 'null').map((t) => describeType(t, schema));
  if (types.includes('null')) parts.push('null');
  return orList(parts);
}

function describeType(type: JsonTypeName, schema: SettingSchema): string {
  switch (type) {
    case 'integer':
    case 'number': {
      const noun = type === 'integer' ? 'an integer' : 'a number';
      if (schema.minimum !== undefined) return `${noun} of at least ${schema.minimum}`;
      if (schema.exclusiveMinimum !== undefined) return `${noun} above ${schema.exclusiveMinimum}`;
      return noun;
    }
    case 'string':
      if (schema.pattern !== undefined) return `a string matching ${schema.pattern}`;
      return schema.minLength ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array': {
      const item = schema.items ? describeSchema(schema.items) : 'anything';
      return `a list of ${item.replace(/^an? /, '').replace(/^(non-empty )?string\b/, '$1strings')}`;
    }
    case 'null':
      return 'null';
  }
}

function orList(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? 'nothing') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

/** A found value for a message: `'abc'`, `0`, `null`, `a list`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return String(value);
}

/** The JSON types a schema allows (for `enum`, the types of its values). */
function typesOf(schema: SettingSchema): JsonTypeName[] {
  if (schema.enum) {
    return [...new Set(schema.enum.map((v): JsonTypeName => (v === null ? 'null' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : 'number')))];
  }
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a setting from text (an environment variable or a flag's argument) by what its schema allows:
 * lists are comma-separated (empty text is an empty list), empty text is null where null is allowed,
 * booleans are true/false/1/0/yes/no (any case), numbers are decimal. Whatever does not parse stays a string,
 * for the schema check to refuse with a clear message.
 */
export function parseSettingText(text: string, schema: SettingSchema): unknown {
  if (typesOf(schema).includes('array')) {
    const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
    return items.map((item) => parseSettingText(item, schema.items ?? {}));
  }
  const types = typesOf(schema);
  const trimmed = text.trim();
  if (trimmed === '' && types.includes('null')) return null;
  const lower = trimmed.toLowerCase();
  if (types.includes('boolean') && (TRUE_WORDS.has(lower) || FALSE_WORDS.has(lower))) return TRUE_WORDS.has(lower);
  if ((types.includes('integer') || types.includes('number')) && NUMBER.test(trimmed)) return Number(trimmed);
  return trimmed;
}

/**
 * A path setting's value with relative paths made absolute against `base`, and `~/` against the home directory.
 * For `inventory-source`, host lists (anything with a comma, as Ansible decides) are left as they are.
 */
export function resolveSettingPaths(key: SettingKey, value: unknown, base: string, env: NodeJS.ProcessEnv): unknown {
  const spec: SettingSpec = SETTINGS[key];
  const kind = spec.path;
  if (kind === undefined) return value;
  const one = (path: unknown): unknown => {
    if (typeof path !== 'string' || path === '') return path;
    if (kind === 'inventory-source' && path.includes(',')) return path;
    if (path === '~' || path.startsWith('~/')) return join(env['HOME'] || homedir(), path.slice(1));
    return isAbsolute(path) ? path : resolve(base, path);
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}
