import { ConnectionError } from '../connection/connection.js';
import { KbrunError } from '../errors/kbrun-error.js';
import type { HostStatus, TaskInfo } from '../events/events.js';
import { FilterFailure } from '../expr/errors.js';
import { compileExpression } from '../expr/index.js';
import type { Condition, NodeBase, Task, VarsSource } from '../language/model.js';
import type { ModuleContext, ModuleResult } from '../modules/define-module.js';
import { validateModuleArgs } from '../modules/validate-args.js';
import { locationOf, valueLocationOf } from '../source/yaml-loader.js';
import { stringify } from '../template/templar.js';
import { searchPathOf } from '../vars/node-magic.js';
import { layer, type TaskScope } from '../vars/variable-manager.js';
import { processSecrets } from '../secrets/process-secrets.js';
import { withBecome, becomeOf } from '../connection/become.js';
import { checkCondition } from './conditions.js';
import { findControllerFile } from './find-file.js';
import { itemLabel, itemVars, loopControl, loopItems } from './loop-items.js';
import { asBoolean, type RunContext } from './run-context.js';

type Vars = Record<string, unknown>;
type Result = Record<string, unknown>;

/** What one task did on one host: the status for the recap and the result as registered. */
export interface HostOutcome {
  status: HostStatus;
  ignored: boolean;
  result: Result;
}

/** The text that replaces results of `no_log` tasks everywhere they are shown. */
export const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
const scopes = new WeakMap<NodeBase, TaskScope>();

/** The variable layers of a node (role defaults, block/role/task vars), built once per node. */
export function taskScope(node: NodeBase): TaskScope {
  let scope = scopes.get(node);
  if (!scope) {
    const { redactor } = processSecrets();
    const toLayer = (source: VarsSource) => {
      redactor.collect(source.values);
      return layer(source.values, source.location);
    };
    scope = { defaults: node.defaults.map(toLayer), layers: node.vars.map(toLayer), node };
    scopes.set(node, scope);
  }
  return scope;
}

/** True when the node's inherited and own `when` hold for a host (with its extra variables). */
export function conditionsHold(node: NodeBase, vars: Vars): boolean {
  for (const inherited of node.conditions) if (!checkCondition('when', inherited.condition, vars, inherited.location)) return false;
  const when = node.keywords['when'] as Condition | undefined;
  return when === undefined || checkCondition('when', when, vars, valueLocationOf(node.keywordSource, 'when'));
}

/** Runs one task on one host: loop, `when`, check mode, arguments, retries, `failed_when`/`changed_when`, `register`. */
export async function runTaskOnHost(run: RunContext, task: Task, info: TaskInfo, host: string, extraVars?: Vars): Promise<HostOutcome> {
  const scope = taskScope(task);
  const baseVars = run.vars.forTask(host, scope, extraVars);
  let noLog = false;
  let outcome: HostOutcome;
  let delegatedTo: string | undefined;
  try {
    noLog = asBoolean(renderKeyword(run, task, 'no_log', baseVars) ?? false);
    const items = loopItems(task, run.templar, baseVars);
    if (items === undefined) {
      delegatedTo = delegateOf(run, task, host, baseVars);
      outcome = await runOnce(run, task, info, host, baseVars, delegatedTo);
    } else {
      const looped = await runLoop(run, task, info, host, scope, extraVars, items, noLog);
      outcome = looped.outcome;
      delegatedTo = looped.delegatedTo;
    }
  } catch (error) {
    outcome = failure(error);
  }
  const register = task.keywords['register'];
  if (typeof register === 'string') run.vars.setFacts(host, { [register]: outcome.result });
  if (outcome.status === 'failed' && asBoolean(renderSafely(run, task, 'ignore_errors', baseVars))) outcome.ignored = true;
  if (outcome.status === 'unreachable' && asBoolean(renderSafely(run, task, 'ignore_unreachable', baseVars))) outcome.ignored = true;
  run.emit({
    type: 'host_result',
    task: info,
    host,
    status: outcome.status,
    result: noLog ? censor(outcome.result) : outcome.result,
    ...(outcome.ignored ? { ignored: true } : {}),
    ...(outcome.result['results'] ? { loop: true } : {}),
    ...(delegatedTo ? { delegatedTo } : {}),
  });
  return outcome;
}

/** The host a task is delegated to for these variables (`delegate_to` may name the loop item); undefined when it runs on `host` itself. */
function delegateOf(run: RunContext, task: Task, host: string, vars: Vars): string | undefined {
  const delegate = renderKeyword(run, task, 'delegate_to', vars);
  return delegate === undefined || delegate === null || delegate === host ? undefined : String(delegate);
}

/** Runs a looping task's items on one host; `delegatedTo` is the items' delegate when they all share one. */
async function runLoop(run: RunContext, task: Task, info: TaskInfo, host: string, scope: TaskScope, extraVars: Vars | undefined, items: unknown[], noLog: boolean): Promise<{ outcome: HostOutcome; delegatedTo: string | undefined }> {
  const control = loopControl(task, run.templar, run.vars.forTask(host, scope, extraVars));
  const delegates = new Set<string | undefined>();
  const results: Result[] = [];
  let anyChanged = false;
  let anyFailed = false;
  let unreachable: HostOutcome | undefined;
  for (let index = 0; index < items.length; index++) {
    if (index > 0 && control.pauseSeconds > 0) await run.clock.sleep(control.pauseSeconds * 1000, run.signal);
    const vars = run.vars.forTask(host, scope, { ...extraVars, ...itemVars(control, items, index) });
    let outcome: HostOutcome;
    let delegatedTo: string | undefined;
    try {
      delegatedTo = delegateOf(run, task, host, vars);
      delegates.add(delegatedTo);
      outcome = await runOnce(run, task, info, host, vars, delegatedTo);
    } catch (error) {
      outcome = failure(error);
    }
    const result: Result = { ...outcome.result, [control.loopVar]: items[index], ansible_loop_var: control.loopVar };
    if (control.indexVar) Object.assign(result, { [control.indexVar]: index, ansible_index_var: control.indexVar });
    results.push(result);
    if (outcome.status === 'unreachable') unreachable = outcome;
    if (outcome.status === 'failed') anyFailed = true;
    if (result['changed'] === true) anyChanged = true;
    // Under no_log the item stays hidden: Ansible's censored result has no item, so it prints `(item=None)`.
    const shown = noLog ? { item: null, label: 'None' } : { item: items[index], label: itemLabel(control, run.templar, vars, items[index]) };
    run.emit({ type: 'host_result', task: info, host, status: outcome.status, ...shown, result: noLog ? censor(result) : result, ...(delegatedTo ? { delegatedTo } : {}) });
    if (unreachable) break;
  }
  const delegatedTo = delegates.size === 1 ? [...delegates][0] : undefined;
  if (unreachable) return { outcome: { status: 'unreachable', ignored: false, result: { ...unreachable.result, results } }, delegatedTo };
  const allSkipped = results.length > 0 && results.every((r) => r['skipped'] === true);
  // Ansible's combined result: a message once there were items; an empty loop only says why it skipped.
  const aggregate: Result = { changed: anyChanged, results, skipped: allSkipped };
  if (anyFailed) aggregate['failed'] = true;
  if (results.length === 0) {
    aggregate['skipped'] = true;
    aggregate['skipped_reason'] = 'No items in the list';
  } else aggregate['msg'] = anyFailed ? 'One or more items failed' : allSkipped ? 'All items skipped' : 'All items completed';
  const status: HostStatus = anyFailed ? 'failed' : aggregate['skipped'] ? 'skipped' : anyChanged ? 'changed' : 'ok';
  return { outcome: { status, ignored: false, result: aggregate }, delegatedTo };
}

async function runOnce(run: RunContext, task: Task, info: TaskInfo, host: string, vars: Vars, delegatedTo: string | undefined): Promise<HostOutcome> {
  if (!conditionsHold(task, vars)) {
    const when = task.keywords['when'];
    const falseCondition = Array.isArray(when) ? when.find((c) => !checkCondition('when', c, vars, undefined)) : when;
    return { status: 'skipped', ignored: false, result: { changed: false, skipped: true, skip_reason: 'Conditional result was False', ...(falseCondition !== undefined ? { false_condition: falseCondition } : {}) } };
  }
  const checkKeyword = renderKeyword(run, task, 'check_mode', vars);
  const check = checkKeyword === undefined ? run.check : asBoolean(checkKeyword);
  if (check && task.module.check === 'none') {
    return { status: 'skipped', ignored: false, result: { changed: false, skipped: true, msg: `module ${task.module.name} does not support check mode; skipped in check mode` } };
  }
  if (check !== run.check) vars['ansible_check_mode'] = check;
  const args = renderArgs(run, task, vars);
  const refused = protectedTargets(run, task, args, delegatedTo ?? host);
  if (refused.length > 0) {
    const error = new KbrunError('E_PROTECTED_HOST', `refusing ${task.module.name}: ${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} protected and may not be destroyed, rebuilt or interrupted`, {
      location: task.location,
      hint: 'protected_hosts in kbrun.config.yaml lists them (the fleet bastions by default); remove the host from this task',
    });
    return { status: 'failed', ignored: false, result: { failed: true, changed: false, msg: error.render(), protected: refused } };
  }
  const target = delegatedTo ?? host;
  const targetVars = delegatedTo ? run.vars.forTask(delegatedTo) : vars;
  const connectionKind = String(renderKeyword(run, task, 'connection', vars) ?? targetVars['ansible_connection'] ?? (target === 'localhost' ? 'local' : 'ssh'));
  const environment = renderEnvironment(run, task, vars);
  const diffKeyword = renderKeyword(run, task, 'diff', vars);
  const timeoutSeconds = Number(renderKeyword(run, task, 'timeout', vars) ?? run.taskTimeout);
  const become = becomeOf((keyword) => renderKeyword(run, task, keyword, vars), targetVars);
  const connection = withBecome(await run.connectionFor(target, connectionKind, targetVars), become);

  const register = task.keywords['register'] as string | undefined;
  const until = task.keywords['until'] as Condition | undefined;
  const retries = until === undefined ? 0 : Math.max(0, Number(run.templar.render(String(task.keywords['retries'] ?? 3), vars)));
  const delaySeconds = until === undefined ? 0 : Math.max(0, Number(run.templar.render(String(task.keywords['delay'] ?? 5), vars)));
  const attemptsAllowed = until === undefined ? 1 : retries + 1;
  const noLog = info.noLog || asBoolean(renderKeyword(run, task, 'no_log', vars) ?? false);
  let result: Result = {};
  for (let attempt = 1; attempt <= attemptsAllowed; attempt++) {
    const signal = timeoutSeconds > 0 ? AbortSignal.any([run.signal, AbortSignal.timeout(timeoutSeconds * 1000 * run.clock.scale)]) : run.signal;
    let lastProgress: string | undefined;
    const context: ModuleContext = {
      host,
      vars,
      connection,
      check,
      diff: diffKeyword === undefined ? run.diff : asBoolean(diffKeyword),
      signal,
      environment,
      evaluate: (expression) => compileExpression(expression).evaluate(vars),
      findFile: (kind, path) => findControllerFile(searchPathOf(task, run.playbookDirectory), kind, path),
      sleep: (ms) => run.clock.sleep(ms, signal),
      progress: (detail) => {
        lastProgress = detail;
        run.progress.report(info, host, detail);
      },
      log: (message) => run.emit({ type: 'verbose', host, level: 3, message: noLog ? CENSORED : message }),
      isProtected: (name) => run.protectedHosts.has(name),
    };
    result = await callModule(task, args, context, timeoutSeconds, () => lastProgress);
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
  if (facts && typeof facts === 'object' && result['failed'] !== true) {
    const factsHost = delegatedTo && asBoolean(renderKeyword(run, task, 'delegate_facts', vars) ?? false) ? delegatedTo : host;
    if (task.module.facts === 'gathered') run.vars.setGatheredFacts(factsHost, facts as Vars);
    else run.vars.setFacts(factsHost, facts as Vars, { templated: task.module.facts === 'templated' });
  }
  return { status: statusOf(result), ignored: false, result };
}

/** The protected names a destructive task would touch: its module's `targets`, else the host it runs on. */
function protectedTargets(run: RunContext, task: Task, args: Vars, target: string): string[] {
  if (run.protectedHosts.size === 0) return [];
  const names = task.module.targets ? task.module.targets(args) : task.module.destructive ? [target] : [];
  return names.filter((name) => run.protectedHosts.has(name));
}

/** Runs the module; a timeout's message names what the module last reported it was doing. */
async function callModule(task: Task, args: Vars, context: ModuleContext, timeoutSeconds: number, lastProgress: () => string | undefined): Promise<Result> {
  try {
    const result: ModuleResult = await task.module.run(args, context);
    const out: Result = { ...result, changed: result.changed === true };
    if (out['failed'] === undefined) out['failed'] = false;
    return out;
  } catch (error) {
    if (error instanceof ConnectionError) return { unreachable: true, changed: false, msg: error.message };
    if (context.signal.aborted && timeoutSeconds > 0 && !(error instanceof KbrunError)) {
      const doing = lastProgress();
      return { failed: true, changed: false, msg: `The task timed out after ${timeoutSeconds} seconds${doing === undefined ? '' : ` (it was at: ${doing})`}` };
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
    const location = valueLocationOf(task.argsSource ?? task.keywordSource, key) ?? task.location;
    const rendered = task.module.textArgs?.includes(key) ? run.templar.renderDeepAsText(task.args[key], vars, location) : run.templar.renderDeep(task.args[key], vars, location);
    if (rendered === vars['omit']) delete args[key];
    else args[key] = rendered;
  }
  const errors = validateModuleArgs(task.module, args, { task: locationOf(task.keywordSource, task.action) ?? task.location, args: task.argsSource });
  if (errors.length > 0) throw errors[0];
  return args;
}

/** The task's `environment` (already merged with its play's and blocks'), rendered for this host. */
function renderEnvironment(run: RunContext, task: Task, vars: Vars): Record<string, string> {
  const raw = task.keywords['environment'];
  if (raw === undefined || raw === null) return {};
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.templar.renderDeep(raw, vars) as Record<string, unknown>)) env[k] = stringify(v);
  return env;
}

/** A keyword of the node rendered for this host; undefined when not set. */
export function renderKeyword(run: RunContext, node: NodeBase, keyword: string, vars: Vars): unknown {
  const value = node.keywords[keyword];
  if (typeof value !== 'string') return value;
  return run.templar.render(value, vars, valueLocationOf(node.keywordSource, keyword));
}

/** Like renderKeyword, but a keyword that can't be rendered counts as unset (used after a failure). */
function renderSafely(run: RunContext, node: NodeBase, keyword: string, vars: Vars): unknown {
  try {
    return renderKeyword(run, node, keyword, vars) ?? false;
  } catch {
    return false;
  }
}

function failure(error: unknown): HostOutcome {
  if (error instanceof ConnectionError) return { status: 'unreachable', ignored: false, result: { unreachable: true, changed: false, msg: error.message } };
  const message = error instanceof KbrunError ? error.render() : error instanceof Error ? error.message : String(error);
  // A filter's own failure (mandatory) is the task's whole message, as in Ansible.
  return { status: 'failed', ignored: false, result: error instanceof FilterFailure ? { failed: true, msg: message } : { failed: true, changed: false, msg: message } };
}

/** What printers get instead of a `no_log` task's result. */
export function censor(result: Result): Result {
  return { censored: CENSORED, changed: result['changed'] === true, ...(result['failed'] ? { failed: true } : {}), ...(result['skipped'] ? { skipped: true } : {}) };
}
