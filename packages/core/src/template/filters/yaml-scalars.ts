import { PyDateTime } from '../../expr/py-date-values.js';
import { isPyFloat } from '../../expr/py-float.js';
import { floatRepr, intRepr } from '../../expr/py-number-format.js';
import { pyStr } from '../../expr/py-string.js';

/** The characters PyYAML treats as line breaks. */
export const LINE_BREAKS = '\n\x85\u2028\u2029';
const BLANKS = `\0 \t\r${LINE_BREAKS}`;

/** YAML 1.1 implicit types (PyYAML's resolver): a plain scalar matching one of these would not read back as a string. */
const IMPLICIT_TYPES: readonly RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<|=|~|null|Null|NULL|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
];

/** Which quoting styles can write a string faithfully (PyYAML's scalar analysis). */
export interface ScalarAnalysis {
  readonly multiline: boolean;
  readonly empty: boolean;
  readonly flowPlain: boolean;
  readonly blockPlain: boolean;
  readonly singleQuoted: boolean;
}

/** PyYAML's analysis of a string: which styles may write it (plain only when it would not read back as another type). */
export function analyze(text: string): ScalarAnalysis {
  if (text === '') return { multiline: false, empty: true, flowPlain: false, blockPlain: false, singleQuoted: true };
  let flowIndicators = text.startsWith('---') || text.startsWith('...');
  let blockIndicators = flowIndicators;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let trailingSpace = false;
  let leadingBreak = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const before = i === 0 || BLANKS.includes(chars[i - 1]!);
    const after = i + 1 >= chars.length || BLANKS.includes(chars[i + 1]!);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowIndicators = blockIndicators = true;
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (after) blockIndicators = true;
      }
      if (ch === '-' && after) flowIndicators = blockIndicators = true;
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (after) blockIndicators = true;
      }
      if (ch === '#' && before) flowIndicators = blockIndicators = true;
    }
    if (LINE_BREAKS.includes(ch)) lineBreaks = true;
    if (!(ch === '\n' || (ch >= ' ' && ch <= '~')) && !(ch === '\x85' || (ch >= '\xa0' && ch <= '\ud7ff') || (ch >= '\ue000' && ch <= '\ufffd' && ch !== '\ufeff') || ch.length === 2)) {
      special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (LINE_BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else previousSpace = previousBreak = false;
  }
  let flowPlain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || special || lineBreaks || flowIndicators);
  const blockPlain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || special || lineBreaks || blockIndicators);
  if (IMPLICIT_TYPES.some((re) => re.test(text))) flowPlain = false;
  return {
    multiline: lineBreaks,
    empty: false,
    flowPlain,
    blockPlain: blockPlain && !IMPLICIT_TYPES.some((re) => re.test(text)),
    singleQuoted: !(breakSpace || spaceBreak || special),
  };
}

/** The short escapes of PyYAML's double-quoted style. */
export const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

/** A scalar's text and whether it is a string (only strings may need quotes). */
export function scalarText(value: unknown): { text: string; isString: boolean } {
  if (typeof value === 'string') return { text: value, isString: true };
  if (value === null || value === undefined) return { text: 'null', isString: false };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', isString: false };
  if (typeof value === 'number' || isPyFloat(value)) {
    const n = Number(value);
    if (Number.isNaN(n)) return { text: '.nan', isString: false };
    if (!Number.isFinite(n)) return { text: n > 0 ? '.inf' : '-.inf', isString: false };
    if (typeof value === 'number' && Number.isInteger(n)) return { text: intRepr(n), isString: false };
    const repr = floatRepr(n).toLowerCase();
    return { text: !repr.includes('.') && repr.includes('e') ? repr.replace('e', '.0e') : repr, isString: false };
  }
  if (value instanceof PyDateTime) return { text: value.isoformat(' '), isString: false };
  return { text: pyStr(value), isString: true };
}
