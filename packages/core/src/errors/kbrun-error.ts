import type { SourceLocation } from '../source/location.js';
import { renderExcerpt } from '../source/location.js';

/** The closed set of error codes kbrun raises; each names one kind of mistake. */
export type ErrorCode =
  | 'E_YAML_SYNTAX'
  | 'E_FILE_NOT_FOUND'
  | 'E_PLAYBOOK_SHAPE'
  | 'E_UNKNOWN_KEYWORD'
  | 'E_UNKNOWN_MODULE'
  | 'E_MULTIPLE_MODULES'
  | 'E_NO_MODULE'
  | 'E_SCHEMA'
  | 'E_KEYWORD_TYPE'
  | 'E_INVENTORY'
  | 'E_HOST_PATTERN'
  | 'E_TEMPLATE'
  | 'E_UNDEFINED_VAR'
  | 'E_EXPRESSION'
  | 'E_LOOKUP'
  | 'E_CONNECTION'
  | 'E_NET_GUARD'
  | 'E_MODULE'
  | 'E_CLI_OPTION'
  | 'E_VARS_FILE'
  | 'E_VAULT'
  | 'E_CONFIG'
  | 'E_PROTECTED_HOST'
  | 'E_LAB'
  | 'E_LAB_NOT_SEALED';

/** One error class for everything kbrun reports: a code, an actionable message, and where in the YAML it comes from. */
export class KbrunError extends Error {
  override readonly name = 'KbrunError';
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { location?: SourceLocation | undefined; hint?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
  }

  /** Renders `file:line:col: CODE message`, the source line with a caret, and the hint. */
  render(): string {
    const where = this.location ? `${this.location.file}:${this.location.line}:${this.location.col}: ` : '';
    const parts = [`${where}${this.code} ${this.message}`];
    if (this.location) {
      const excerpt = renderExcerpt(this.location);
      if (excerpt) parts.push(excerpt);
    }
    if (this.hint) parts.push(`hint: ${this.hint}`);
    return parts.join('\n');
  }
}

/** Several errors found together (loading collects every error of a playbook before reporting). */
export class KbrunErrors extends Error {
  override readonly name = 'KbrunErrors';
  readonly errors: KbrunError[];

  constructor(errors: KbrunError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }

  /** Every error rendered in file order, separated by a blank line. */
  render(): string {
    return this.errors.map((e) => e.render()).join('\n\n');
  }
}

/** True when `value` is a kbrun error or a collection of them. */
export function isKbrunError(value: unknown): value is KbrunError | KbrunErrors {
  return value instanceof KbrunError || value instanceof KbrunErrors;
}
