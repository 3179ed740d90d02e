// The part of a task result the console shows, cleaned as ansible-playbook's default callback cleans it
// (ansible-core 2.14: TaskResult.clean_copy, CallbackBase._clean_results and _dump_results).

/** Keys a debug result with `msg` keeps: the message is shown alone. */
const DEBUG_MSG_KEYS = new Set(['msg', 'exception', 'warnings', 'deprecations']);
/** Keys a debug result without `msg` (`var:`) drops, so that what is left is the variable. */
const DEBUG_VAR_HIDDEN = new Set(['changed', 'failed', 'skipped', 'invocation', 'skip_reason']);
/** Keys never shown: the status is the line's own word (`failed:`, `skipping:`), and the traceback is not for the console. */
const ALWAYS_HIDDEN = new Set(['failed', 'skipped', 'exception']);
/** Keys shown from -vvv on only. */
const VERY_VERBOSE = new Set(['invocation', 'diff']);
const DEBUG_ACTION = /^(ansible\.(builtin|legacy)\.)?debug$/;

/** Whether the task is a `debug` (as written, short or fully qualified): Ansible always prints its result. */
export function isDebug(action: string): boolean {
  return DEBUG_ACTION.test(action);
}

/**
 * The result as the console prints it after `=>`: no status keys, no `_ansible_*` internals, `invocation` and `diff`
 * only from -vvv; a debug result is its message alone, or its variable (with the loop variables, as Ansible shows them).
 */
export function shownResult(result: Record<string, unknown>, action: string, verbosity: number): Record<string, unknown> {
  const debug = isDebug(action);
  const debugHides = (key: string) => ('msg' in result ? !DEBUG_MSG_KEYS.has(key) && !key.startsWith('_') : DEBUG_VAR_HIDDEN.has(key));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (ALWAYS_HIDDEN.has(key) || key.startsWith('_ansible_') || (verbosity < 3 && VERY_VERBOSE.has(key))) continue;
    if (debug && debugHides(key)) continue;
    out[key] = value;
  }
  return out;
}
