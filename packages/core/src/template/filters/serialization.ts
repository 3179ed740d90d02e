import { arg, intArg, kwarg, type Kwargs } from '../../expr/params.js';
import { pyJsonDumps } from '../../expr/py-json.js';
import { pyPformat } from '../../expr/py-pprint.js';
import { truthy, typeName } from '../../expr/values.js';
import { parseAllDocuments } from 'yaml';
import { pyyamlBooleans } from '../../source/yaml-loader.js';
import { toNumber } from './shared.js';
import { ansible, jinja, type FilterSpec } from './spec.js';
import { yamlDump, type YamlDumpOptions } from './yaml-dump.js';

/** PyYAML dump options from a filter's keyword arguments, over the filter's defaults. */
function yamlOptions(kwargs: Kwargs, indent: number, defaultFlowStyle: boolean | null): YamlDumpOptions {
  const flow = kwarg(kwargs, 'default_flow_style', defaultFlowStyle);
  return {
    indent: Math.trunc(toNumber(kwarg(kwargs, 'indent', indent), 'indent')),
    width: Math.trunc(toNumber(kwarg(kwargs, 'width', 80), 'width')),
    defaultFlowStyle: flow === null ? null : truthy(flow),
    sortKeys: truthy(kwarg(kwargs, 'sort_keys', true)),
    explicitStart: truthy(kwarg(kwargs, 'explicit_start', false)),
    explicitEnd: truthy(kwarg(kwargs, 'explicit_end', false)),
  };
}

/** The YAML documents of a text, parsed as Ansible reads YAML (1.1, PyYAML's booleans). */
function yamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1', customTags: pyyamlBooleans }).map((doc) => {
    if ('errors' in doc && doc.errors.length > 0) throw new TypeError(`invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    return (doc.toJS() as unknown) ?? null;
  });
}

/** JSON's indent option: none, or a number of spaces. */
function indentOf(value: unknown): number | null {
  return value === null ? null : Math.trunc(toNumber(value, 'indent'));
}

/** JSON and YAML in and out, and Python's pretty printer. */
export const SERIALIZATION_FILTERS: Readonly<Record<string, FilterSpec>> = {
  to_json: ansible('The value as JSON on one line (Python\'s json.dumps: `", "` and `": "`, non-ASCII escaped); `indent`, `sort_keys`, `ensure_ascii`.', (v, a, k) =>
    pyJsonDumps(v, { indent: indentOf(arg(a, k, 0, 'indent', null)), sortKeys: truthy(arg(a, k, 1, 'sort_keys', false)), ensureAscii: truthy(kwarg(k, 'ensure_ascii', true)) }),
  ),
  to_nice_json: ansible('The value as indented JSON (`indent` 4, keys sorted).', (v, a, k) =>
    pyJsonDumps(v, { indent: indentOf(arg(a, k, 0, 'indent', 4)), sortKeys: truthy(arg(a, k, 1, 'sort_keys', true)), ensureAscii: truthy(kwarg(k, 'ensure_ascii', true)) }),
  ),
  from_json: ansible('The value of a JSON text.', (v) => {
    if (typeof v !== 'string') throw new TypeError(`the JSON object must be str, bytes or bytearray, not ${typeName(v)}`);
    return JSON.parse(v) as unknown;
  }),
  to_yaml: ansible('The value as YAML, as PyYAML writes it (keys sorted, collections of scalars in flow style); `indent`, `width`, `default_flow_style`…', (v, _a, k) =>
    yamlDump(v, yamlOptions(k, 2, null)),
  ),
  to_nice_yaml: ansible('The value as block-style YAML, as PyYAML writes it (`indent` 4, keys sorted); `width`…', (v, a, k) =>
    yamlDump(v, yamlOptions(k, intArg(a, k, 0, 'indent', 'to_nice_yaml', 4), false)),
  ),
  from_yaml: ansible('The value of a YAML text (YAML 1.1, as Ansible reads it); a non-string is returned as it is.', (v) => {
    if (typeof v !== 'string') return v;
    const docs = yamlDocuments(v);
    if (docs.length > 1) throw new TypeError('expected a single document in the stream, but found another document');
    return docs[0] ?? null;
  }),
  from_yaml_all: ansible('The values of every document of a YAML text, as a list.', (v) => (typeof v === 'string' ? yamlDocuments(v) : v)),
  tojson: jinja('The value as JSON safe to embed in HTML (`<`, `>`, `&`, `\'` escaped; keys sorted); `indent`.', (v, a, k) =>
    pyJsonDumps(v, { indent: indentOf(arg(a, k, 0, 'indent', null)), sortKeys: true, ensureAscii: true }).replace(
      /[<>&']/g,
      (c) => `\\u00${c.charCodeAt(0).toString(16)}`,
    ),
  ),
  pprint: jinja("The value as Python's pprint writes it (sorted keys, wrapped at 80 columns).", (v) => pyPformat(v)),
};
