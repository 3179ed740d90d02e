/** The expression shown on one line (newlines of folded YAML blocks become spaces, so offsets still line up). */
function oneLine(source: string): string {
  return source.replace(/[\r\n\t]/g, ' ');
}

/** A syntax or evaluation error in an expression, pointing at the offending place in its source. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  /** 0-based offset in the source where the problem is. */
  readonly offset: number;
  /** The whole expression the error is about. */
  readonly source: string;
  /** The message without the location suffix. */
  readonly detail: string;

  constructor(detail: string, source: string, offset: number, options?: { cause?: unknown }) {
    super(`${detail} (at column ${offset + 1} of expression: ${oneLine(source)})`, options);
    this.offset = offset;
    this.source = source;
    this.detail = detail;
  }

  /** Two lines: the expression and a caret under the offending column, for error reports. */
  excerpt(): string {
    return `${oneLine(this.source)}\n${' '.repeat(Math.max(0, this.offset))}^`;
  }
}

/**
 * A failure a filter reports in its own words (Ansible's AnsibleFilterError, e.g. `mandatory`): the task fails with
 * exactly this message, as in Ansible, instead of a located template error.
 */
export class FilterFailure extends Error {
  override readonly name = 'FilterFailure';
}

/** Raised when an expression reads a variable or attribute that does not exist (outside `is defined` and `default`). */
export class UndefinedVariableError extends Error {
  override readonly name = 'UndefinedVariableError';
  /** Dotted path that was undefined, e.g. 'result.rc' or 'foo'. */
  readonly variable: string;
  /** 0-based offset in the expression where the undefined reference starts (-1 when unknown). */
  readonly offset: number;

  constructor(variable: string, detail = '', offset = -1) {
    super(`'${variable}' is undefined${detail ? `: ${detail}` : ''}`);
    this.variable = variable;
    this.offset = offset;
  }
}
