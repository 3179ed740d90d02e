/** The Jinja2 environment settings a template is lexed and rendered with (Ansible's template module sets the same ones). */
export interface JinjaSyntax {
  readonly blockStart: string;
  readonly blockEnd: string;
  readonly variableStart: string;
  readonly variableEnd: string;
  readonly commentStart: string;
  readonly commentEnd: string;
  /** The first newline after a block or comment tag is removed. */
  readonly trimBlocks: boolean;
  /** Spaces and tabs from the start of a line to a block or comment tag are removed. */
  readonly lstripBlocks: boolean;
  /** What every newline of the template's text becomes. */
  readonly newlineSequence: '\n' | '\r' | '\r\n';
  /** The template's last newline is kept (Jinja2 drops it by default). */
  readonly keepTrailingNewline: boolean;
}

/** Ansible's template module defaults: Jinja2's delimiters, trim_blocks on, lstrip_blocks off, `\n`. */
export const ANSIBLE_SYNTAX: JinjaSyntax = Object.freeze({
  blockStart: '{%',
  blockEnd: '%}',
  variableStart: '{{',
  variableEnd: '}}',
  commentStart: '{#',
  commentEnd: '#}',
  trimBlocks: true,
  lstripBlocks: false,
  newlineSequence: '\n',
  keepTrailingNewline: false,
});

/** Jinja2's (and Ansible's) names of the settings, as the `#jinja2:` header and the template module's arguments write them. */
export const SYNTAX_NAMES: Readonly<Record<string, keyof JinjaSyntax>> = Object.freeze({
  block_start_string: 'blockStart',
  block_end_string: 'blockEnd',
  variable_start_string: 'variableStart',
  variable_end_string: 'variableEnd',
  comment_start_string: 'commentStart',
  comment_end_string: 'commentEnd',
  trim_blocks: 'trimBlocks',
  lstrip_blocks: 'lstripBlocks',
  newline_sequence: 'newlineSequence',
  keep_trailing_newline: 'keepTrailingNewline',
});

const NEWLINES: ReadonlySet<string> = new Set(['\n', '\r', '\r\n']);

/** Checks one setting's value (a delimiter is a non-empty string, a switch a boolean, a newline one of the three); the message says what was expected. */
export function checkSetting(name: keyof JinjaSyntax, value: unknown): string | undefined {
  if (name === 'newlineSequence') return typeof value === 'string' && NEWLINES.has(value) ? undefined : 'newline_sequence must be one of "\\n", "\\r" or "\\r\\n"';
  if (typeof ANSIBLE_SYNTAX[name] === 'boolean') return typeof value === 'boolean' ? undefined : `${snakeName(name)} must be a boolean`;
  return typeof value === 'string' && value !== '' ? undefined : `${snakeName(name)} must be a non-empty string`;
}

/** The snake_case name of a setting. */
function snakeName(name: keyof JinjaSyntax): string {
  return Object.keys(SYNTAX_NAMES).find((key) => SYNTAX_NAMES[key] === name) ?? name;
}
