import { isPyFloat } from './py-float.js';
import { pyFormat } from './py-format.js';
import { pyRepr, pyStr } from './py-string.js';
import { isMapping, readOwn, typeName } from './values.js';

/** One `{…}` replacement field of a format string. */
interface Field {
  readonly name: string;
  readonly conversion: string | undefined;
  readonly spec: string;
}

/** Splits a str.format template into literal text and fields (`{{` and `}}` are literal braces). */
function parseTemplate(template: string): Array<string | Field> {
  const parts: Array<string | Field> = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '}') {
      if (template[i + 1] !== '}') throw new RangeError("Single '}' encountered in format string");
      text += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      text += c;
      continue;
    }
    if (template[i + 1] === '{') {
      text += '{';
      i++;
      continue;
    }
    let depth = 1;
    let j = i + 1;
    for (; j < template.length && depth > 0; j++) {
      if (template[j] === '{') depth++;
      else if (template[j] === '}') depth--;
    }
    if (depth > 0) throw new RangeError("expected '}' before end of string");
    const body = template.slice(i + 1, j - 1);
    const colon = body.indexOf(':');
    const head = colon < 0 ? body : body.slice(0, colon);
    const bang = head.indexOf('!');
    if (text) parts.push(text);
    text = '';
    parts.push({ name: bang < 0 ? head : head.slice(0, bang), conversion: bang < 0 ? undefined : head.slice(bang + 1), spec: colon < 0 ? '' : body.slice(colon + 1) });
    i = j - 1;
  }
  if (text) parts.push(text);
  return parts;
}

/** The value a field name designates: an argument by position or keyword, then `.attr` and `[key]` steps. */
function resolve(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, auto: () => number): unknown {
  const m = /^([^.[]*)(.*)$/.exec(name)!;
  const first = m[1]!;
  let value: unknown;
  if (first === '') value = at(args, auto());
  else if (/^\d+$/.test(first)) value = at(args, Number(first));
  else if (Object.hasOwn(kwargs, first)) value = kwargs[first];
  else throw new RangeError(`KeyError: '${first}'`);
  const steps = /\.([^.[]+)|\[([^\]]*)\]/g;
  for (let step = steps.exec(m[2]!); step; step = steps.exec(m[2]!)) {
    const key = step[1] ?? step[2]!;
    if (Array.isArray(value) && /^\d+$/.test(key)) value = at(value, Number(key));
    else if (isMapping(value) && readOwn(value, key) !== undefined) value = readOwn(value, key);
    else throw new RangeError(`${typeName(value)} has no item or attribute '${key}'`);
  }
  return value;
}

function at(list: readonly unknown[], index: number): unknown {
  if (index >= list.length) throw new RangeError(`Replacement index ${index} out of range for positional args tuple`);
  return list[index];
}

/** `format(value, spec)` for the common format specification mini-language: fill, align, sign, `#`, `0`, width, `,`/`_`, precision, type. */
function formatValue(value: unknown, spec: string): string {
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su.exec(spec);
  if (!m) throw new RangeError(`Invalid format specifier '${spec}' for object of type '${typeName(value)}'`);
  const [, fillGiven, alignGiven, sign = '', alternate = '', zero, widthText, grouping, precision, typeGiven] = m;
  const isNumber = typeof value === 'number' || isPyFloat(value) || typeof value === 'boolean';
  let body: string;
  if (!typeGiven && precision === undefined) body = typeof value === 'boolean' && spec !== '' ? String(Number(value)) : pyStr(value);
  else if (typeGiven === 's' || (!typeGiven && !isNumber)) body = pyStr(value).slice(0, precision === undefined ? undefined : Number(precision));
  else {
    const type = typeGiven ?? 'g';
    const n = Number(isPyFloat(value) ? value.valueOf() : value);
    if (type === '%') body = `${pyFormat(`%.${precision ?? 6}f`, [n * 100])}%`;
    else if (type === 'b') body = Math.trunc(n).toString(2);
    else if (type === 'n') body = pyFormat('%d', [n]);
    else body = pyFormat(`%${alternate}${precision === undefined ? '' : `.${precision}`}${type}`, [n]);
    if (alternate && type === 'b') body = `0b${body}`;
  }
  if (isNumber && sign && !body.startsWith('-')) body = (sign === ' ' ? ' ' : sign === '+' ? '+' : '') + body;
  if (grouping && isNumber) body = body.replace(/^([+\- ]?)(\d+)/, (_, s: string, digits: string) => s + digits.replace(/\B(?=(\d{3})+(?!\d))/g, grouping));
  const width = widthText === undefined ? 0 : Number(widthText);
  const fill = fillGiven ?? (zero && !alignGiven ? '0' : ' ');
  const align = alignGiven ?? (zero ? '=' : isNumber ? '>' : '<');
  const missing = width - [...body].length;
  if (missing <= 0) return body;
  const pad = (count: number): string => fill.repeat(count);
  if (align === '<') return body + pad(missing);
  if (align === '>') return pad(missing) + body;
  if (align === '^') return pad(Math.floor(missing / 2)) + body + pad(missing - Math.floor(missing / 2));
  const signPart = /^[+\- ]/.test(body) ? body[0]! : '';
  return signPart + pad(missing) + body.slice(signPart.length);
}

/** Python's str.format: `{}`, `{0}`, `{name}`, `{0[key]}`, `{0.attr}`, `!s`/`!r` conversions and format specs. */
export function pyStrFormat(template: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): string {
  let next = 0;
  const auto = (): number => next++;
  return parseTemplate(template)
    .map((part) => {
      if (typeof part === 'string') return part;
      let value = resolve(part.name, args, kwargs, auto);
      if (part.conversion === 'r' || part.conversion === 'a') value = pyRepr(value);
      else if (part.conversion === 's') value = pyStr(value);
      else if (part.conversion !== undefined) throw new RangeError(`Unknown conversion specifier ${part.conversion}`);
      const spec = part.spec.includes('{') ? pyStrFormat(part.spec, args, kwargs) : part.spec;
      return formatValue(value, spec);
    })
    .join('');
}
