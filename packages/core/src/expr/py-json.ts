import { PyFloat } from './py-float.js';
import { floatRepr, intRepr } from './py-number-format.js';
import { PyValue } from './py-value.js';
import { isMapping, keysOf, readOwn } from './values.js';

/** A number as Python's json module writes it: ints in full, floats by repr(), NaN and Infinity as JavaScript names them. */
function jsonNumber(n: number, float: boolean): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return float || !Number.isInteger(n) ? floatRepr(n) : intRepr(n);
}

/** Options of Python's json.dumps that the to_json filters expose. */
export interface JsonDumpOptions {
  /** Spaces per level; undefined/null writes everything on one line. */
  readonly indent?: number | null | undefined;
  readonly sortKeys?: boolean | undefined;
  /** Escape every non-ASCII character as `\uXXXX` (Python's default, kept by the to_json filters). */
  readonly ensureAscii?: boolean | undefined;
}

/** A JSON string as Python writes it: `\uXXXX` for control characters, and for all non-ASCII with `ensureAscii`. */
function jsonString(s: string, ensureAscii: boolean): string {
  const special = ensureAscii ? /[\\"\x00-\x1f\x7f-\uffff]/g : /[\\"\x00-\x1f]/g;
  return `"${s.replace(special, (c) => JSON_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** Serializes like Python's json.dumps: `{"a": 1, "b": [1, 2]}` on one line, or indented with `,`/`: ` separators. */
export function pyJsonDumps(value: unknown, options: JsonDumpOptions = {}): string {
  const indent = options.indent ?? null;
  const sortKeys = options.sortKeys ?? false;
  const ensureAscii = options.ensureAscii ?? false;
  const stack = new Set<object>();
  const itemSep = indent === null ? ', ' : ',';

  const write = (v: unknown, level: number): string => {
    switch (typeof v) {
      case 'string':
        return jsonString(v, ensureAscii);
      case 'number':
        return jsonNumber(v, false);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      case 'undefined':
      case 'function':
      case 'symbol':
        return 'null';
      case 'object':
        break;
    }
    if (v === null) return 'null';
    if (v instanceof PyFloat) return jsonNumber(v.valueOf(), true);
    if (v instanceof PyValue) return write(v.toJsonValue(), level);
    if (v instanceof Date) return JSON.stringify(v.toISOString());
    if (stack.has(v)) throw new TypeError('cannot serialize a circular structure to JSON');
    const pad = indent === null ? '' : `\n${' '.repeat(indent * (level + 1))}`;
    const end = indent === null ? '' : `\n${' '.repeat(indent * level)}`;
    stack.add(v);
    let text: string;
    if (Array.isArray(v)) {
      text = v.length === 0 ? '[]' : `[${v.map((x) => pad + write(x, level + 1)).join(itemSep)}${end}]`;
    } else if (isMapping(v)) {
      const keys = keysOf(v);
      if (sortKeys) keys.sort();
      text =
        keys.length === 0
          ? '{}'
          : `{${keys.map((k) => `${pad}${jsonString(k, ensureAscii)}: ${write(readOwn(v, k), level + 1)}`).join(itemSep)}${end}}`;
    } else {
      text = JSON.stringify(String(v));
    }
    stack.delete(v);
    return text;
  };
  return write(value, 0);
}
