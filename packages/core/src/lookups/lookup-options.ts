import { KbrunError } from '../errors/kbrun-error.js';
import { typeName } from '../expr/values.js';
import type { LookupOptions } from './lookup-types.js';

/** A lookup's failure (a missing file, a command that failed): errors='ignore'/'warn' apply to these. */
export function lookupError(name: string, message: string, hint?: string): KbrunError {
  return new KbrunError('E_LOOKUP', `lookup '${name}': ${message}`, { hint });
}

/** Ansible's boolean option values: true/false, yes/no, on/off, 1/0 (strings in any case). */
export function boolOption(name: string, options: LookupOptions, key: string): boolean {
  const value = options[key];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1', 'y'].includes(lower)) return true;
    if (['false', 'no', 'off', '0', 'n', ''].includes(lower)) return false;
  }
  throw lookupError(name, `option '${key}' must be a boolean, got ${typeName(value)} ${JSON.stringify(value)}`);
}

/** A string option (numbers are written as text, as Ansible's option parser does). */
export function stringOption(name: string, options: LookupOptions, key: string): string {
  const value = options[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw lookupError(name, `option '${key}' must be a string, got ${typeName(value)}`);
}

/** An integer option (digit strings accepted). */
export function intOption(name: string, options: LookupOptions, key: string): number {
  const value = options[key];
  const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n)) return n;
  throw lookupError(name, `option '${key}' must be an integer, got ${typeName(value)} ${JSON.stringify(value)}`);
}

/** A term that must be a string (file names, commands, patterns). */
export function stringTerm(name: string, term: unknown): string {
  if (typeof term === 'string') return term;
  if (typeof term === 'number') return String(term);
  throw lookupError(name, `expected a string term, got ${typeName(term)} ${JSON.stringify(term)}`);
}
