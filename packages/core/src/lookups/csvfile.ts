import { readFileSync } from 'node:fs';
import { locateControllerFile } from '../exec/find-file.js';
import { intOption, lookupError, stringOption, stringTerm } from './lookup-options.js';
import type { LookupEnv, LookupOptions, LookupSpec } from './lookup-types.js';
import { parseKv } from './parse-kv.js';

const DEFAULTS: LookupOptions = { file: 'ansible.csv', col: 1, delimiter: 'TAB', default: null, encoding: 'utf-8' };

/** The rows of CSV text as Python's csv module reads them (excel dialect: `"` quotes, `""` inside quotes). */
function rows(text: string, delimiter: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') {
      quoted = true;
      started = true;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      started = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (started || field !== '') row.push(field);
      out.push(row);
      row = [];
      field = '';
      started = false;
    } else {
      field += ch;
      started = true;
    }
  }
  if (started || field !== '') {
    row.push(field);
    out.push(row);
  }
  return out;
}

/** The `col` field of the first row whose first field is `key`; the default when there is none. */
function find(key: string, options: LookupOptions, env: LookupEnv): unknown {
  const name = stringOption('csvfile', options, 'file');
  const path = locateControllerFile(env.searchPath, 'files', name);
  if (path === undefined) throw lookupError('csvfile', `could not find '${name}'`, `looked in files/ and beside the task, role and playbook: ${env.searchPath.join(', ')}`);
  let delimiter = stringOption('csvfile', options, 'delimiter');
  if (delimiter === 'TAB' || delimiter === '\\t') delimiter = '\t';
  if ([...delimiter].length !== 1) throw lookupError('csvfile', `the delimiter must be one character, got ${JSON.stringify(delimiter)}`);
  const col = intOption('csvfile', options, 'col');
  let text: string;
  try {
    text = new TextDecoder(stringOption('csvfile', options, 'encoding')).decode(readFileSync(path));
  } catch (error) {
    throw lookupError('csvfile', `cannot read ${name}: ${(error as Error).message}`);
  }
  const row = rows(text, delimiter).find((r) => r.length > 0 && r[0] === key);
  if (!row) return options['default'];
  if (col < -row.length || col >= row.length) throw lookupError('csvfile', `column ${col} is out of range: the row of '${key}' has ${row.length} fields`);
  return row.at(col);
}

/** `csvfile`: a field of the row of a CSV/TSV file whose first field is the key (`file`, `col`, `delimiter`, `default`). */
export const csvfileLookup: LookupSpec = {
  description: 'A field (`col`) of the row whose first field is the key, in a CSV/TSV file on the controller (`delimiter`, `default`).',
  options: DEFAULTS,
  run: (terms, options, env) =>
    terms.flatMap((term) => {
      const { _raw_params: key, ...inline } = parseKv(stringTerm('csvfile', term));
      if (key === undefined) throw lookupError('csvfile', `no search key in '${String(term)}': write the key first`);
      const unknown = Object.keys(inline).filter((k) => !(k in DEFAULTS));
      if (unknown.length > 0) throw lookupError('csvfile', `unknown option(s) ${unknown.join(', ')} (options: ${Object.keys(DEFAULTS).join(', ')})`);
      const value = find(key, { ...options, ...inline }, env);
      return value === null || value === undefined ? [] : [value];
    }),
};
