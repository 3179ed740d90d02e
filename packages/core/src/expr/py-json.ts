import { isMapping, keysOf, readOwn } from './values.js';

/** Options of Python's json.dumps that the to_json filters expose. */
export interface JsonDumpOptions {
  /** Spaces per level; undefined/null writes everything on one line. */
  readonly indent?: number | null | undefined;
  readonly sortKeys?: boolean | undefined;
}

/** Serializes like Python's json.dumps: `{"a": 1, "b": [1, 2]}` on one line, or indented with `,`/`: ` separators. */
export function pyJsonDumps(value: unknown, options: JsonDumpOptions = {}): string {
  const indent = options.indent ?? null;
  const sortKeys = options.sortKeys ?? false;
  const stack = new Set<object>();
  const itemSep = indent === null ? ', ' : ',';

  const write = (v: unknown, level: number): string => {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        if (Number.isNaN(v)) return 'NaN';
        if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
        return String(v);
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
          : `{${keys.map((k) => `${pad}${JSON.stringify(k)}: ${write(readOwn(v, k), level + 1)}`).join(itemSep)}${end}}`;
    } else {
      text = JSON.stringify(String(v));
    }
    stack.delete(v);
    return text;
  };
  return write(value, 0);
}
