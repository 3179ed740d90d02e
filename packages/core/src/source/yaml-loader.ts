import { readFile } from 'node:fs/promises';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Tags } from 'yaml';
import { KbrunError, KbrunErrors } from '../errors/kbrun-error.js';
import { rememberSource, type SourceLocation } from './location.js';
import { processSecrets } from '../secrets/process-secrets.js';
import { isVaultText } from '../secrets/vault-format.js';
import { setOwn } from '../expr/values.js';

/** Where an object (map or list) loaded from YAML came from, and where each of its entries is. */
interface NodeLocations {
  self: SourceLocation;
  /** Location of each map key (or list index) … */
  keys: Map<string | number, SourceLocation>;
  /** … and of each value. */
  values: Map<string | number, SourceLocation>;
}

const locations = new WeakMap<object, NodeLocations>();

/** Where a loaded map/list starts, or where one of its keys is. */
export function locationOf(value: unknown, key?: string | number): SourceLocation | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const info = locations.get(value);
  if (!info) return undefined;
  return key === undefined ? info.self : (info.keys.get(key) ?? info.self);
}

/** Where the value of a map entry (or list item) is. */
export function valueLocationOf(value: unknown, key: string | number): SourceLocation | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const info = locations.get(value);
  return info?.values.get(key) ?? info?.self;
}

/**
 * YAML 1.1 booleans as PyYAML (and so Ansible) reads them: yes/no/true/false/on/off in three casings.
 * The yaml package's 1.1 schema also takes y/n, which would turn a variable named `n` into `false`.
 */
const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

export function pyyamlBooleans(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:bool' || !('test' in tag) || !tag.test) return tag;
    return { ...tag, test: tag.test.test('yes') ? PYYAML_TRUE : PYYAML_FALSE };
  });
}

/** Parses YAML text (YAML 1.1, as Ansible reads it: yes/no booleans, 0755 octal) keeping source locations. */
export function parseYaml(text: string, file: string): unknown[] {
  rememberSource(file, text);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { version: '1.1', lineCounter, merge: true, uniqueKeys: true, prettyErrors: false, customTags: pyyamlBooleans });
  const list = Array.isArray(documents) ? documents : [documents];
  const errors: KbrunError[] = [];
  for (const doc of list) {
    for (const error of doc.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      errors.push(
        new KbrunError('E_YAML_SYNTAX', `YAML syntax error: ${error.message.split('\n')[0]}`, {
          location: { file, line, col },
          hint: 'fix the YAML at the marked position (indentation, quoting a value that starts with { or :, a missing colon)',
        }),
      );
    }
  }
  if (errors.length > 0) throw new KbrunErrors(errors);
  return list.map((doc) => new Converter(doc, file, lineCounter).convert(doc.contents));
}

/** Reads and parses a YAML file with locations; a missing file is a clear error. */
export async function loadYamlFile(file: string, from?: SourceLocation): Promise<unknown[]> {
  let text: string;
  let encrypted = false;
  try {
    text = await readFile(file, 'utf8');
    // A vault-encrypted file loads transparently; its secret-named values are redacted by name like any other.
    encrypted = isVaultText(text);
    if (encrypted) text = processSecrets().keyring.decrypt(text, file).toString('utf8');
  } catch (error) {
    if (error instanceof KbrunError) throw error;
    throw new KbrunError('E_FILE_NOT_FOUND', `cannot read ${file}: ${(error as Error).message}`, {
      location: from,
      hint: 'check the path; relative paths are resolved from the playbook (or inventory) directory',
      cause: error,
    });
  }
  try {
    return parseYaml(text, file);
  } finally {
    // Error excerpts must never quote the clear text of an encrypted file.
    if (encrypted) rememberSource(file, '');
  }
}

/** Reads a vars file: one YAML mapping (an empty file gives no variables). */
export async function readVarsFile(file: string, from?: SourceLocation): Promise<Record<string, unknown>> {
  const [value] = await loadYamlFile(file, from);
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new KbrunError('E_VARS_FILE', `${file} must contain a mapping of variable names to values`, {
      location: locationOf(value) ?? { file, line: 1, col: 1 },
    });
  }
  return value as Record<string, unknown>;
}

/**
 * A `!unsafe` string, which Ansible never templates (`'{{.Names}}'` for docker's Go templates): its template
 * markers are kept from the templar by a Jinja2 raw block, so rendering it gives the text back as written.
 */
function unsafeText(value: unknown): unknown {
  if (typeof value !== 'string' || !/\{[{%#]/.test(value) || value.includes('endraw')) return value;
  return `{% raw %}${value}{% endraw %}`;
}

class Converter {
  private readonly seen = new Map<Node, unknown>();

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  private at(node: { range?: [number, number, number] | null | undefined } | null | undefined): SourceLocation {
    const start = node?.range?.[0] ?? 0;
    const end = node?.range?.[1] ?? start + 1;
    const pos = this.lines.linePos(start);
    return { file: this.file, line: pos.line, col: pos.col, length: Math.max(1, end - start) };
  }

  convert(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.convert(node.resolve(this.doc));
    if (isScalar(node)) {
      if (node.tag === '!vault') return this.decrypt(node);
      if (node.tag === '!unsafe') return unsafeText(node.value);
      // A YAML 1.1 timestamp (`2020-01-02`) is the text written: Python prints a date as that text.
      if (node.value instanceof Date) return typeof node.source === 'string' ? node.source : node.value.toISOString();
      return node.value;
    }
    const cached = this.seen.get(node as Node);
    if (cached !== undefined) return cached;
    if (isSeq(node)) {
      const list: unknown[] = [];
      this.seen.set(node, list);
      const info: NodeLocations = { self: this.at(node), keys: new Map(), values: new Map() };
      node.items.forEach((item, index) => {
        const loc = this.at(item as Node);
        info.keys.set(index, loc);
        info.values.set(index, loc);
        list.push(this.convert(item));
      });
      locations.set(list, info);
      return list;
    }
    if (isMap(node)) {
      const map: Record<string, unknown> = {};
      this.seen.set(node, map);
      const info: NodeLocations = { self: this.at(node), keys: new Map(), values: new Map() };
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const raw = isScalar(keyNode) ? keyNode.value : this.convert(keyNode);
        // The yaml package gives the merge key as Symbol('<<').
        const key = typeof raw === 'symbol' ? (raw.description ?? '') : String(raw);
        if (key === '<<') {
          this.merge(map, info, pair.value);
          continue;
        }
        info.keys.set(key, this.at(keyNode));
        info.values.set(key, pair.value ? this.at(pair.value as Node) : this.at(keyNode));
        setOwn(map, key, this.convert(pair.value));
      }
      locations.set(map, info);
      return map;
    }
    return (node as { toJSON?: () => unknown }).toJSON?.() ?? null;
  }

  /** A `!vault |` value: decrypted with the process's vault passwords; the clear text becomes a known secret. */
  private decrypt(node: { value: unknown; range?: [number, number, number] | null | undefined }): string {
    const where = this.at(node);
    const { keyring, redactor } = processSecrets();
    const text = keyring.decrypt(String(node.value), `${where.file}:${where.line}:${where.col}`).toString('utf8');
    redactor.add(text);
    return text;
  }

  /** YAML merge keys (`<<: *defaults`): entries of the merged maps that the map does not set itself. */
  private merge(map: Record<string, unknown>, info: NodeLocations, source: unknown): void {
    const sources = isSeq(source) ? source.items : [source];
    for (const item of sources) {
      const value = this.convert(item);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const from = locations.get(value);
      for (const [k, v] of Object.entries(value)) {
        if (Object.prototype.hasOwnProperty.call(map, k)) continue;
        setOwn(map, k, v);
        const loc = from?.values.get(k);
        if (loc) info.values.set(k, loc);
      }
    }
  }
}
