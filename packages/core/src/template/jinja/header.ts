import { KbrunError } from '../../errors/kbrun-error.js';
import { compileExpression } from '../../expr/index.js';
import { checkSetting, SYNTAX_NAMES, type JinjaSyntax } from './options.js';

/** The marker of Ansible's override line, the first line of a template: `#jinja2: trim_blocks: False, lstrip_blocks: True`. */
const HEADER = '#jinja2:';

/** A template file's text without its header line, and the settings that line gives. */
export interface HeaderResult {
  readonly overrides: Partial<Record<keyof JinjaSyntax, unknown>>;
  readonly body: string;
  /** Lines the header took (0 or 1), so errors still point at the file's lines. */
  readonly lines: number;
}

/**
 * Reads Ansible's `#jinja2:` header as Ansible does: comma-separated `name: value` pairs, each value a Python
 * literal (`True`, `'\r\n'`), naming Jinja2 settings (trim_blocks, lstrip_blocks, keep_trailing_newline,
 * newline_sequence, the six delimiter strings). Any other setting is refused, naming it.
 */
export function readHeader(text: string, file: string): HeaderResult {
  if (!text.startsWith(HEADER)) return { overrides: {}, body: text, lines: 0 };
  const eol = text.indexOf('\n');
  // As in Ansible: without a newline the line loses its last character and the text stays whole.
  const line = eol < 0 ? text.slice(HEADER.length, -1) : text.slice(HEADER.length, eol);
  const overrides: Partial<Record<keyof JinjaSyntax, unknown>> = {};
  const fail = (message: string): never => {
    throw new KbrunError('E_TEMPLATE', message, { location: { file, line: 1, col: 1 }, hint: `the header's settings are ${Object.keys(SYNTAX_NAMES).join(', ')}` });
  };
  for (const pair of line.split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0) fail(`cannot read the #jinja2: setting '${pair.trim()}': expected name: value`);
    const key = pair.slice(0, colon).trim();
    const name = Object.hasOwn(SYNTAX_NAMES, key) ? SYNTAX_NAMES[key]! : fail(`the #jinja2: setting '${key}' is not supported`);
    let value: unknown;
    try {
      value = compileExpression(pair.slice(colon + 1).trim()).evaluate({});
    } catch {
      fail(`the value of ${key} in the #jinja2: header must be a Python literal (True, False, a quoted string)`);
    }
    const problem = checkSetting(name, value);
    if (problem) fail(`#jinja2: header: ${problem}`);
    overrides[name] = value;
  }
  return { overrides, body: eol < 0 ? text : text.slice(eol + 1), lines: eol < 0 ? 0 : 1 };
}
