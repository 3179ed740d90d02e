import { readFileSync } from 'node:fs';
import { locateControllerFile } from '../exec/find-file.js';
import { pyRegex } from '../expr/py-regex.js';
import { interpolate, parseIni, type IniFile } from './ini-parser.js';
import { boolOption, lookupError, stringOption, stringTerm } from './lookup-options.js';
import type { LookupEnv, LookupOptions, LookupSpec } from './lookup-types.js';

const DEFAULTS = { type: 'ini', file: 'ansible.ini', section: 'global', re: false, encoding: 'utf-8', default: '', case_sensitive: false, allow_no_value: false };

/** `key opt=value…` (Ansible's old inline form): the key and the options, values with spaces kept whole. */
function inlineOptions(term: string, options: LookupOptions): { key: string; options: LookupOptions } {
  const params: Array<[string, string]> = [];
  let current = 'key';
  for (const [index, phrase] of term.split(/\s+/).filter(Boolean).entries()) {
    if (phrase.includes('=')) current = Object.keys(DEFAULTS).concat('allow_none').find((k) => phrase.includes(`${k}=`)) ?? current;
    const existing = params.find(([name]) => name === current);
    if (index === 0 || !existing) params.push([current, phrase]);
    else existing[1] += ` ${phrase}`;
  }
  const merged: Record<string, unknown> = { ...options };
  let key: string | undefined;
  for (const [, param] of params) {
    if (param.includes('=')) {
      const parts = param.split('=');
      if (parts.length !== 2) throw lookupError('ini', `cannot read '${param}' as option=value`);
      const name = parts[0] === 'allow_none' ? 'allow_no_value' : parts[0]!;
      if (!(name in DEFAULTS)) throw lookupError('ini', `'${name}' is not an option (options: ${Object.keys(DEFAULTS).join(', ')})`);
      merged[name] = parts[1];
    } else key ??= param;
  }
  if (key === undefined) throw lookupError('ini', `no key to look up in '${term}': write the key first`);
  return { key, options: merged };
}

function readIni(options: LookupOptions, env: LookupEnv): { ini: IniFile; section: string; name: string } {
  const name = stringOption('ini', options, 'file');
  const path = locateControllerFile(env.searchPath, 'files', name);
  if (path === undefined) throw lookupError('ini', `could not find '${name}'`, `looked in files/ and beside the task, role and playbook: ${env.searchPath.join(', ')}`);
  const type = stringOption('ini', options, 'type');
  if (type !== 'ini' && type !== 'properties') throw lookupError('ini', `type must be 'ini' or 'properties', got '${type}'`);
  let text: string;
  try {
    text = new TextDecoder(stringOption('ini', options, 'encoding')).decode(readFileSync(path));
  } catch (error) {
    throw lookupError('ini', `cannot read ${name}: ${(error as Error).message}`);
  }
  const properties = type === 'properties';
  try {
    const ini = parseIni(properties ? `[java_properties]\n${text}` : text, {
      caseSensitive: boolOption('ini', options, 'case_sensitive'),
      allowNoValue: boolOption('ini', options, 'allow_no_value'),
    });
    return { ini, section: properties ? 'java_properties' : stringOption('ini', options, 'section'), name };
  } catch (error) {
    throw lookupError('ini', `${name}: ${(error as Error).message}`);
  }
}

/** The values of `key` (or of the keys matching it with `re`) in a section; values without `=` (allow_no_value) are left out. */
function valuesOf(key: string, options: LookupOptions, env: LookupEnv): unknown[] {
  const { ini, section: sectionName, name } = readIni(options, env);
  const section = sectionName === 'DEFAULT' ? ini.defaults : ini.sections.get(sectionName);
  if (!section) throw lookupError('ini', `no section '${sectionName}' in ${name}`);
  const merged = new Map([...ini.defaults, ...section]);
  const resolve = (value: string | null | undefined): string | null | undefined => (typeof value === 'string' ? interpolate(value, (n) => merged.get(n)) : value);
  try {
    if (boolOption('ini', options, 're')) {
      const pattern = pyRegex(key);
      return [...merged].filter(([k]) => pattern.exec(k)?.index === 0).map(([, v]) => resolve(v)).filter((v) => v !== null);
    }
    const lookupKey = boolOption('ini', options, 'case_sensitive') ? key : key.toLowerCase();
    const value = merged.has(lookupKey) ? resolve(merged.get(lookupKey)) : options['default'];
    return value === null || value === undefined ? [] : [value];
  } catch (error) {
    throw lookupError('ini', `${name}: ${(error as Error).message}`);
  }
}

/** `ini`: values from INI (or Java properties) files on the controller, read as Python's configparser reads them. */
export const iniLookup: LookupSpec = {
  description: 'Values from INI or Java properties files on the controller (configparser rules: DEFAULT, `%(x)s`, `re`).',
  options: DEFAULTS,
  run: (terms, options, env) =>
    terms.flatMap((term) => {
      const text = stringTerm('ini', term);
      const inline = text.includes('=') || text.trim().includes(' ') ? inlineOptions(text, options) : { key: text, options };
      return valuesOf(inline.key, inline.options, env);
    }),
};
