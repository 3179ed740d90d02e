import { pyPercentFormat } from '../expr/py-format.js';
import { lookupError, stringTerm } from './lookup-options.js';
import type { LookupSpec } from './lookup-types.js';
import { parseKv } from './parse-kv.js';

/** `[start-]end[/stride][:format]` (numbers in decimal or 0x hex). */
const SHORTCUT = /^(?:(0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(?:\/(0?x?[0-9a-f]+))?(?::(.+))?$/i;
const MAX_ITEMS = 1_000_000;

interface Sequence {
  start: number;
  end: number | undefined;
  count: number | undefined;
  stride: number;
  format: string;
}

/** Python's int(text, 0): decimal, 0x hex, 0o octal or 0b binary (no leading zeros on decimals). */
function pyInt(name: string, text: string): number {
  const t = text.trim().replace(/_/g, '');
  const m = /^([+-]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|0+|[1-9][0-9]*)$/i.exec(t);
  if (!m) throw lookupError('sequence', `can't parse ${name}=${text} as integer`);
  const value = Number(m[2]!.length > 1 && /^0[xob]/i.test(m[2]!) ? m[2]!.toLowerCase() : m[2]);
  return m[1] === '-' ? -value : value;
}

function parse(term: string): Sequence {
  const seq: Sequence = { start: 1, end: undefined, count: undefined, stride: 1, format: '%d' };
  const short = SHORTCUT.exec(term);
  if (short) {
    if (short[1] !== undefined) seq.start = pyInt('start', short[1]);
    seq.end = pyInt('end', short[2]!);
    if (short[3] !== undefined) seq.stride = pyInt('stride', short[3]);
    if (short[4] !== undefined) seq.format = short[4];
    return seq;
  }
  const args = parseKv(term);
  for (const key of ['start', 'end', 'count', 'stride'] as const) {
    const raw = args[key];
    delete args[key];
    if (raw !== undefined) seq[key] = pyInt(key, raw);
  }
  if (args['format'] !== undefined) seq.format = args['format'];
  delete args['format'];
  const rest = Object.keys(args);
  if (rest.length > 0) throw lookupError('sequence', `unrecognized arguments: ${rest.join(', ')} (arguments: start, end, count, stride, format)`);
  return seq;
}

/** The items of one term, as Ansible's `sequence` checks and generates them. */
function generate(seq: Sequence): string[] {
  if (seq.count === undefined && seq.end === undefined) throw lookupError('sequence', 'must specify count or end');
  if (seq.count !== undefined && seq.end !== undefined) throw lookupError('sequence', "can't specify both count and end");
  let { start, stride } = seq;
  let end = seq.end!;
  if (seq.count !== undefined) {
    if (seq.count === 0) [start, end, stride] = [0, 0, 0];
    else end = start + seq.count * stride - 1;
  }
  if (stride > 0 && end < start) throw lookupError('sequence', 'to count backwards make stride negative');
  if (stride < 0 && end > start) throw lookupError('sequence', "to count forward don't make stride negative");
  if ((seq.format.match(/%/g) ?? []).length !== 1) throw lookupError('sequence', `bad formatting string: ${seq.format}`);
  if (stride === 0) return [];
  const stop = end + (stride > 0 ? 1 : -1);
  const length = Math.max(0, Math.ceil((stop - start) / stride));
  if (length > MAX_ITEMS) throw lookupError('sequence', `${length} items is more than the ${MAX_ITEMS} allowed`);
  return Array.from({ length }, (_, i) => {
    try {
      return pyPercentFormat(seq.format, start + i * stride);
    } catch (error) {
      throw lookupError('sequence', `problem formatting ${start + i * stride} with ${JSON.stringify(seq.format)}: ${(error as Error).message}`);
    }
  });
}

/** `sequence`: numbers as formatted strings, from `start-end/stride:format` or `start= end= count= stride= format=`. */
export const sequenceLookup: LookupSpec = {
  description: 'Numbers as formatted strings: `start-end/stride:format` or `start= end=|count= stride= format=`.',
  options: {},
  run: (terms) => terms.flatMap((term) => generate(parse(stringTerm('sequence', term)))),
};
