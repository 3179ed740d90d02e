import { ConnectionError } from '../connection/connection.js';
import { KbrunError } from '../errors/kbrun-error.js';
import type { HostStatus, TaskInfo } from '../events/events.js';
import type { Condition, Play, Task } from '../language/model.js';
import type { ModuleContext, ModuleResult } from '../modules/define-module.js';
import { validateModuleArgs } from '../modules/validate-args.js';
import { valueLocationOf, locationOf } from '../source/yaml-loader.js';
import { stringify } from '../template/templar.js';
import { compileExpression } from '../expr/index.js';
import { layer, type Layer } from '../vars/variable-manager.js';
import { checkCondition } from './conditions.js';
import { itemVars, loopControl, loopItems } from './loop-items.js';
import { asBoolean, inherited, type RunContext } from './run-context.js';
import { findControllerFile } from './find-file.js';

type Vars = Record<string, unknown>;
type Result = Record<string, unknown>;

/** What one task did on one host: the status for the recap and the result as registered. */
export interface HostOutcome {
  status: HostStatus;
  ignored: boolean;
  result: Result;
}

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
const taskLayers = new WeakMap<Task, Layer[]>();

/** Runs one task on one host: loop, `when`, check mode, arguments, retries, `failed_when`/`changed_when`, `register`. */
export async function runTaskOnHost(run: RunContext, play: Play, task: Task, info: TaskInfo, host: string): Promise<HostOutcome> {
  const layers = layersOf(task);
  const baseVars = run.vars.forTask(host, layers);
  const noLog = asBoolean(renderKeyword(run, task, play, 'no_log', baseVars) ?? false);
  let outcome: HostOutcome;
  try {
    const items = loopItems(task, run.templar, baseVars);
    outcome = items === undefined ? await runOnce(run, play, task, info, host, baseVars, noLog) : await runLoop(run, play, task, info, host, layers, items, noLog);
  } catch (error) {
    outcome = failure(error);
  }
  const register = task.keywords['register'];
  if (typeof register === 'string') run.vars.setFacts(host, { [register]: outcome.result });
  if (outcome.status === 'failed' && asBoolean(renderKeyword(run, task, play, 'ignore_errors', baseVars) ?? false)) outcome.ignored = true;
  if (outcome.status === 'unreachable' && asBoolean(renderKeyword(run, task, play, 'ignore_unreachable', baseVars) ?? false)) outcome.ignored = true;
  run.emit({ type: 'host_result', task: info, host, status: outcome.status, result: noLog ? censor(outcome.result) : outcome.result, ...(outcome.ignored ? { ignored: true } : {}), ...(outcome.result['results'] ? { loop: true } : {}) });
  return outcome;
}

async function runLoop(run: RunContext, play: Play, task: Task, info: TaskInfo, host: string, layers: Layer[], items: unknown[], noLog: boolean): Promise<HostOutcome> {
  const firstVars = run.vars.forTask(host, layers);
  const control = loopControl(task, run.templar, firstVars);
  const results: Result[] = [];
  let anyChanged = false;
  let anyFailed = false;
  let unreachable: HostOutcome | undefined;
  for (let index = 0; index < items.length; index++) {
    if (index > 0 && control.pauseSeconds > 0) await run.clock.sleep(control.pauseSeconds * 1000, run.signal);
    const loopVars = itemVars(control, items, index);
    const vars = run.vars.forTask(host, layers, loopVars);
    let outcome: HostOutcome;
    try {
      outcome = await runOnce(run, play, task, info, host, vars, noLog);
    } catch (error) {
      outcome = failure(error);
    }
    const result: Result = { ...outcome.result, [control.loopVar]: items[index], item: items[index], ansible_loop_var: control.loopVar };
    if (control.loopVar !== 'item') delete result['item'];
    if (control.indexVar) result[control.indexVar] = index;
    results.push(result);
    if (outcome.status === 'unreachable') unreachable = outcome;
    if (outcome.status === 'failed') anyFailed = true;
    if (result['changed'] === true) anyChanged = true;
    const label = control.label === undefined ? items[index] : run.templar.renderDeep(control.label, vars);
    run.emit({ type: 'host_result', task: info, host, status: outcome.status, item: items[index], label: stringify(label), result: noLog ? censor(result) : result });
    if (unreachable) break;
  }
  if (unreachable) return { status: 'unreachable', ignored: false, result: { ...unreachable.result, results } };
  const allSkipped = results.length > 0 && results.every((r) => r['skipped'] === true);
  const aggregate: Result = { changed: anyChanged, msg: anyFailed ? 'One or more items failed' : 'All items completed', results, skipped: allSkipped };
  if (anyFailed) aggregate['failed'] = true;
  if (results.length === 0) {
    aggregate['skipped'] = true;
    aggregate['skipped_reason'] = 'No items in the list';
  }
  const status: HostStatus = anyFailed ? 'failed' : aggregate['skipped'] ? 'skipped' : anyChanged ? 'changed' : 'ok';
  return { status, ignored: false, result: aggregate };
}

async function runOnce(run: RunContext, play: Play, task: Task, info: TaskInfo, host: string, vars: Vars, noLog: boolean): Promise<HostOutcome> {
  const when = task.keywords['when'] as Condition | undefined;
  if (when !== undefined && !checkCondition('when', when, vars, valueLocationOf(task.keywordSource, 'when'))) {
    const falseCondition = Array.isArray(when) ? when.find((c) => !checkCondition('when', c, vars, undefined)) : when;
    return { status: 'skipped', ignored: false, result: { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: falseCondition } };
  }
  const checkKeyword = renderKeyword(run, task, play, 'check_mode', vars);
  const check = checkKeyword === undefined ? run.check : asBoolean(checkKeyword);
  if (check && task.module.check === 'none') {
    return { status: 'skipped', ignored: false, result: { changed: false, skipped: true, msg: `module ${task.module.name} does not support check mode; skipped in check mode` } };
  }
  if (check !== run.check) vars['ansible_check_mode'] = check;
  const args = renderArgs(run, task, vars);
  const connectionKind = String(renderKeyword(run, task, play, 'connection', vars) ?? vars['ansible_connection'] ?? (host === 'localhost' ? 'local' : 'ssh'));
  const environment = renderEnvironment(run, task, play, vars);
  const diffKeyword = renderKeyword(run, task, play, 'diff', vars);
  const timeoutSeconds = Number(renderKeyword(run, task, play, 'timeout', vars) ?? 0);
  const connection = await run.connectionFor(host, connectionKind, vars);

  const register = task.keywords['register'] as string | undefined;
  const until = task.keywords['until'] as Condition | undefined;
  const retries = until === undefined ? 0 : Math.max(0, Number(run.templar.render(String(task.keywords['retries'] ?? 3), vars)));
  const delaySeconds = until === undefined ? 0 : Math.max(0, Number(run.templar.render(String(task.keywords['delay'] ?? 5), vars)));
  const attemptsAllowed = until === undefined ? 1 : retries + 1;
  let result: Result = {};
  for (let attempt = 1; attempt <= attemptsAllowed; attempt++) {
    const signal = timeoutSeconds > 0 ? AbortSignal.any([run.signal, AbortSignal.timeout(timeoutSeconds * 1000 * run.clock.scale)]) : run.signal;
    const context: ModuleContext = {
      host,
      vars,
      connection,
      check,
      diff: diffKeyword === undefined ? run.diff : asBoolean(diffKeyword),
      signal,
      environment,
      evaluate: (expression) => compileExpression(expression).evaluate(vars),
      render: (text, name) => run.templar.renderText(text, vars, name),
      findFile: (kind, path) => findControllerFile(run.playbookDirectory, kind, path),
      sleep: (ms) => run.clock.sleep(ms, signal),
      progress: (detail) => run.progress.report(info, host, detail),
      log: (message) => run.emit({ type: 'verbose', host, level: 3, message: noLog ? CENSORED : message }),
    };
    result = await callModule(task, args, context, timeoutSeconds);
    if (result['unreachable']) return { status: 'unreachable', ignored: false, result };
    if (register) vars[register] = result;
    applyChangedWhen(task, result, vars);
    applyFailedWhen(task, result, vars);
    if (until === undefined) break;
    result['attempts'] = attempt;
    if (checkCondition('until', until, vars, valueLocationOf(task.keywordSource, 'until'))) break;
    if (attempt === attemptsAllowed) {
      result['attempts'] = retries;
      result['failed'] = true;
      break;
    }
    run.emit({ type: 'retry', task: info, host, attempt, of: attemptsAllowed, delayMs: delaySeconds * 1000, result: noLog ? censor(result) : result });
    run.progress.report(info, host, `attempt ${attempt + 1}/${attemptsAllowed}`);
    await run.clock.sleep(delaySeconds * 1000, run.signal);
  }
  const facts = result['ansible_facts'];
  if (facts && typeof facts === 'object' && result['failed'] !== true) run.vars.setFacts(host, facts as Vars);
  return { status: statusOf(result), ignored: false, result };
}

async function callModule(task: Task, args: Vars, context: ModuleContext, timeoutSeconds: number): Promise<Result> {
  try {
    const result: ModuleResult = await task.module.run(args, context);
    const out: Result = { ...result, changed: result.changed === true };
    if (out['failed'] === undefined) out['failed'] = false;
    return out;
  } catch (error) {
    if (error instanceof ConnectionError) return { unreachable: true, changed: false, msg: error.message };
    if (context.signal.aborted && timeoutSeconds > 0 && !(error instanceof KbrunError)) {
      return { failed: true, changed: false, msg: `The task timed out after ${timeoutSeconds} seconds` };
    }
    if (error instanceof KbrunError) return { failed: true, changed: false, msg: error.message };
    return { failed: true, changed: false, msg: `module ${task.module.name} raised an error: ${(error as Error).message ?? String(error)}` };
  }
}

function applyChangedWhen(task: Task, result: Result, vars: Vars): void {
  const changedWhen = task.keywords['changed_when'] as Condition | undefined;
  if (changedWhen === undefined) return;
  result['changed'] = checkCondition('changed_when', changedWhen, vars, valueLocationOf(task.keywordSource, 'changed_when'));
}

function applyFailedWhen(task: Task, result: Result, vars: Vars): void {
  const failedWhen = task.keywords['failed_when'] as Condition | undefined;
  if (failedWhen === undefined) return;
  const failed = checkCondition('failed_when', failedWhen, vars, valueLocationOf(task.keywordSource, 'failed_when'));
  result['failed_when_result'] = failed;
  result['failed'] = failed;
  if (failed && (result['msg'] === undefined || result['msg'] === '')) result['msg'] = 'failed_when condition was true';
}

function statusOf(result: Result): HostStatus {
  if (result['failed'] === true) return 'failed';
  if (result['skipped'] === true) return 'skipped';
  return result['changed'] === true ? 'changed' : 'ok';
}

/** Renders the task's arguments for this host and validates the ones that were templates. */
function renderArgs(run: RunContext, task: Task, vars: Vars): Vars {
  if (task.templatedArgs.size === 0) return task.args;
  const args = { ...task.args };
  for (const key of task.templatedArgs) {
    const rendered = run.templar.renderDeep(task.args[key], vars, valueLocationOf(task.argsSource ?? task.keywordSource, key) ?? task.location);
    if (rendered === vars['omit']) delete args[key];
    else args[key] = rendered;
  }
  const errors = validateModuleArgs(task.module, args, { task: locationOf(task.keywordSource, task.action), args: task.argsSource });
  if (errors.length > 0) throw errors[0];
  return args;
}

/** The play's `environment` merged with the task's (the task wins), rendered for this host. */
function renderEnvironment(run: RunContext, task: Task, play: Play, vars: Vars): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of [play.keywords['environment'], task.keywords['environment']]) {
    if (raw === undefined || raw === null) continue;
    const rendered = run.templar.renderDeep(raw, vars) as Record<string, unknown>;
    for (const [k, v] of Object.entries(rendered)) env[k] = stringify(v);
  }
  return env;
}

/** A keyword of the task (or its play) rendered for this host; undefined when not set. */
function renderKeyword(run: RunContext, task: Task, play: Play, keyword: string, vars: Vars): unknown {
  const value = inherited(task, play, keyword);
  if (typeof value !== 'string') return value;
  return run.templar.render(value, vars, valueLocationOf(task.keywordSource, keyword));
}

function layersOf(task: Task): Layer[] {
  let layers = taskLayers.get(task);
  if (!layers) {
    const vars = task.keywords['vars'];
    layers = vars && typeof vars === 'object' ? [layer(vars as Vars, valueLocationOf(task.keywordSource, 'vars'))] : [];
    taskLayers.set(task, layers);
  }
  return layers;
}

function failure(error: unknown): HostOutcome {
  if (error instanceof ConnectionError) return { status: 'unreachable', ignored: false, result: { unreachable: true, changed: false, msg: error.message } };
  const message = error instanceof KbrunError ? error.render() : error instanceof Error ? error.message : String(error);
  return { status: 'failed', ignored: false, result: { failed: true, changed: false, msg: message } };
}

function censor(result: Result): Result {
  return { censored: CENSORED, changed: result['changed'] === true, ...(result['failed'] ? { failed: true } : {}), ...(result['skipped'] ? { skipped: true } : {}) };
}

