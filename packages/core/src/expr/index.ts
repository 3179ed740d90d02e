// Public API of the safe expression language used by when, failed_when, changed_when, until, assert.that and debug.var.

/** Errors: syntax/evaluation problems (with a 0-based offset) and undefined variables (with the dotted path). */
export { ExpressionError, UndefinedVariableError } from './errors.js';
/** Compiles an expression once (cached by source) into something that evaluates against variables. */
export { compileExpression, type CompiledExpression } from './compile.js';
/** Evaluates a when-style condition: string expression, bare boolean/number, or a list meaning AND. */
export { evaluateCondition, type Condition } from './condition.js';
/** Python/Jinja truthiness. */
export { truthy } from './values.js';
/** The `is` test table (also used by the select/reject filters). */
export { TESTS, type TestFn } from './tests.js';
/** Python's json.dumps layout (`{"a": 1}`), as Ansible prints results. */
export { pyJsonDumps, type JsonDumpOptions } from './py-json.js';
/** Python's datetime and timedelta values (what `now()` and date arithmetic give), printed as Python prints them. */
export { datetimeFromEpoch, PyDateTime, PyTimeDelta } from './py-date-values.js';
/** Template support: a tag's reader (tokens and expressions up to its closing delimiter), and callables a template defines (macros, loop, caller). */
export { readTag, type TagReader } from './parser.js';
export type { Token } from './lexer.js';
export { callableOf, defineCallable, type CallableFn } from './callables.js';
