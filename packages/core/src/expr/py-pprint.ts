import { pyRepr } from './py-string.js';
import { PyTuple } from './py-tuple.js';
import { isMapping, keysOf, readOwn } from './values.js';

/** Line width of Python's pprint.pformat. */
const WIDTH = 80;

/** Python's pprint.pformat(value): repr() with sorted dict keys, broken over lines (one item per line) when wider than 80 columns. */
export function pyPformat(value: unknown): string {
  const out: string[] = [];
  format(value, out, 0, 0, 0);
  return out.join('');
}

function format(value: unknown, out: string[], indent: number, allowance: number, level: number): void {
  const rep = pyRepr(value, true);
  if (rep.length <= WIDTH - indent - allowance) {
    out.push(rep);
    return;
  }
  if (value instanceof PyTuple) {
    const end = value.length === 1 ? ',)' : ')';
    out.push('(');
    formatItems(value, out, indent, allowance + end.length, level + 1);
    out.push(end);
  } else if (Array.isArray(value)) {
    out.push('[');
    formatItems(value, out, indent, allowance + 1, level + 1);
    out.push(']');
  } else if (isMapping(value)) {
    out.push('{');
    const keys = keysOf(value).sort();
    const inner = indent + 1;
    keys.forEach((key, i) => {
      const last = i === keys.length - 1;
      const keyRep = pyRepr(key);
      out.push(keyRep, ': ');
      format(readOwn(value, key), out, inner + keyRep.length + 2, last ? allowance + 1 : 1, level + 1);
      if (!last) out.push(`,\n${' '.repeat(inner)}`);
    });
    out.push('}');
  } else if (typeof value === 'string' && value !== '') out.push(formatString(value, indent, allowance, level + 1));
  else out.push(rep);
}

function formatItems(items: readonly unknown[], out: string[], indent: number, allowance: number, level: number): void {
  const inner = indent + 1;
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    if (i > 0) out.push(`,\n${' '.repeat(inner)}`);
    format(item, out, inner, last ? allowance : 1, level);
  });
}

/** A long string as adjacent literals split at word ends, one per line (in parentheses at the top level). */
function formatString(text: string, indent: number, allowance: number, level: number): string {
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  const lines = text.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g)!.filter((l) => l !== '');
  const chunks: string[] = [];
  lines.forEach((line, i) => {
    const lastLine = i === lines.length - 1;
    const rep = pyRepr(line);
    if (rep.length <= WIDTH - indent - (lastLine ? allowance : 0)) {
      chunks.push(rep);
      return;
    }
    const parts = line.match(/\S*\s*/g)!.filter((p) => p !== '');
    let current = '';
    parts.forEach((part, j) => {
      const limit = WIDTH - indent - (lastLine && j === parts.length - 1 ? allowance : 0);
      const candidate = current + part;
      if (pyRepr(candidate).length > limit) {
        if (current) chunks.push(pyRepr(current));
        current = part;
      } else current = candidate;
    });
    if (current) chunks.push(pyRepr(current));
  });
  if (chunks.length === 1) return chunks[0]!;
  const body = chunks.join(`\n${' '.repeat(indent)}`);
  return level === 1 ? `(${body})` : body;
}
