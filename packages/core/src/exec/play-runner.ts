import PQueue from 'p-queue';
import { KbrunError } from '../errors/kbrun-error.js';
import type { TaskInfo } from '../events/events.js';
import type { Block, Include, MetaTask, Play, Task, TaskNode } from '../language/model.js';
import { stringify } from '../template/templar.js';
import { itemLabel, itemVars, loopControl, loopItems } from './loop-items.js';
import { asBoolean, type RunContext } from './run-context.js';
import type { RunStats } from './stats.js';
import type { TagFilter } from './tag-filter.js';
import { censor, conditionsHold, renderKeyword, runTaskOnHost, taskScope, type HostOutcome } from './task-executor.js';

type Vars = Record<string, unknown>;
/** Extra variables per host for a scope (include loop items, rescue's `ansible_failed_*`). */
type HostVars = ReadonlyMap<string, Vars>;

/** Hosts taken out of the rest of the run (failed or unreachable), shared by all plays. */
export interface HostFailures {
  failed: Set<string>;
  unreachable: Set<string>;
}

/** Run-wide services a batch needs besides the RunContext. */
export interface BatchServices {
  forks: PQueue;
  stats: RunStats;
  failures: HostFailures;
  tags: TagFilter;
  /** `--start-at-task`: tasks are skipped until one with this name; cleared once found. */
  startAt: { name: string | undefined };
  forceHandlers: boolean;
  /** Loads what an include brings for one host (file or role), throwing KbrunErrors on mistakes. */
  loadInclude(node: Include, target: string): Promise<TaskNode[]>;
  /** Re-reads the inventory sources (`meta: refresh_inventory`). */
  refreshInventory(): Promise<void>;
}

/** How a batch ended, for the play and the playbook. */
export interface BatchOutcome {
  /** `meta: end_play`, `any_errors_fatal` or `max_fail_percentage`: no further batch of this play. */
  endPlay: boolean;
  /** `any_errors_fatal` or `max_fail_percentage`: the playbook stops here. */
  abortRun: boolean;
}

/** Runs one batch of hosts through a play: facts, sections with their handlers, blocks, includes, meta. */
export class BatchRun {
  private readonly infos = new Map<TaskNode, TaskInfo>();
  private readonly started = new Set<TaskInfo>();
  private readonly throttles = new Map<Task, PQueue | undefined>();
  private readonly notified = new Map<Task, Set<string>>();
  private readonly endedHosts = new Set<string>();
  private readonly failedBefore: ReadonlySet<string>;
  private endBatch = false;
  private outcome: BatchOutcome = { endPlay: false, abortRun: false };

  constructor(
    private readonly run: RunContext,
    private readonly play: Play,
    private readonly hosts: readonly string[],
    private readonly services: BatchServices,
    /** Every host of the play (all batches), for `ansible_play_hosts`. */
    private readonly playHosts: readonly string[],
  ) {
    this.failedBefore = new Set(services.failures.failed);
  }

  /** Runs the batch to its end. */
  async execute(): Promise<BatchOutcome> {
    const free = this.play.keywords['strategy'] === 'free';
    if (this.play.gatherFacts) await this.gatherFacts(this.play.gatherFacts);
    for (const section of this.play.sections) {
      if (free) await Promise.all(this.alive(this.hosts).map((h) => this.runNodes(section, [h], new Map())));
      else await this.runNodes(section, this.hosts, new Map());
      await this.flushHandlers(this.hosts);
      if (this.endBatch) break;
    }
    if (this.services.forceHandlers) await this.flushHandlers(this.hosts, true);
    return this.outcome;
  }

  /** Hosts of a scope that still run: not failed, not unreachable, not ended. */
  private alive(hosts: readonly string[]): string[] {
    if (this.endBatch) return [];
    const { failed, unreachable } = this.services.failures;
    return hosts.filter((h) => !failed.has(h) && !unreachable.has(h) && !this.endedHosts.has(h));
  }

  private async runNodes(nodes: readonly TaskNode[], hosts: readonly string[], hostVars: HostVars): Promise<void> {
    for (const node of nodes) {
      const active = this.alive(hosts);
      if (active.length === 0) return;
      switch (node.kind) {
        case 'task':
          await this.runTask(node, active, hostVars);
          break;
        case 'block':
          await this.runBlock(node, active, hostVars);
          break;
        case 'include':
          await this.runInclude(node, active, hostVars);
          break;
        case 'meta':
          await this.runMeta(node, active, hostVars);
          break;
      }
    }
  }

  private async runBlock(block: Block, entered: readonly string[], hostVars: HostVars): Promise<void> {
    const { failures, stats } = this.services;
    await this.runNodes(block.block, entered, hostVars);
    const failedHere = entered.filter((h) => failures.failed.has(h) && !this.failedBefore.has(h));
    if (block.rescue.length > 0 && failedHere.length > 0) {
      const rescueVars = new Map(hostVars);
      // As in Ansible, entering rescue turns the failure into `rescued` (a failing rescue counts its own failure).
      for (const host of failedHere) {
        failures.failed.delete(host);
        stats.rescue(host);
        rescueVars.set(host, { ...hostVars.get(host), ...this.failureVars.get(host) });
      }
      await this.runNodes(block.rescue, failedHere, rescueVars);
    }
    if (block.always.length === 0) return;
    const stillFailed = entered.filter((h) => failures.failed.has(h) && !this.failedBefore.has(h));
    for (const host of stillFailed) failures.failed.delete(host);
    await this.runNodes(block.always, entered.filter((h) => !failures.unreachable.has(h) && !this.endedHosts.has(h)), hostVars);
    for (const host of stillFailed) failures.failed.add(host);
  }

  /** `ansible_play_hosts` / `ansible_play_batch` (and its old name `play_hosts`): the play's and the batch's hosts still running. */
  private updatePlayMagic(): void {
    this.run.vars.setPlayMagic('ansible_play_hosts', this.alive(this.playHosts));
    this.run.vars.setPlayMagic('ansible_play_batch', this.alive(this.hosts));
    this.run.vars.setPlayMagic('play_hosts', this.alive(this.hosts));
  }

  /** `ansible_failed_task` / `ansible_failed_result` of each host's last failure, for rescue sections. */
  private readonly failureVars = new Map<string, Vars>();

  private info(node: Task, handler = false): TaskInfo {
    let info = this.infos.get(node);
    if (!info) {
      info = { id: node.id, name: node.name, action: node.action, location: node.location, noLog: node.keywords['no_log'] === true, ...(handler ? { handler: true } : {}) };
      this.infos.set(node, info);
    }
    return info;
  }

  private selected(task: Task): boolean {
    const { startAt, tags } = this.services;
    if (startAt.name !== undefined) {
      if (task.name !== startAt.name && task.rawName !== startAt.name) return false;
      startAt.name = undefined;
    }
    return tags.selects(task.tags);
  }

  private async runTask(task: Task, active: readonly string[], hostVars: HostVars, handler = false): Promise<void> {
    if (!handler && !this.selected(task)) return;
    const info = this.info(task, handler);
    this.updatePlayMagic();
    const first = active[0]!;
    const firstVars = this.run.vars.forTask(first, taskScope(task), hostVars.get(first));
    const runOnce = asBoolean(renderKeyword(this.run, task, 'run_once', firstVars) ?? false);
    const hosts = runOnce ? [first] : active;
    if (!this.started.has(info)) {
      this.started.add(info);
      this.run.emit({ type: 'task_start', task: info });
    }
    const throttle = this.throttleFor(task, firstVars);
    const stopProgress = this.run.progress.watch(info);
    const failedBefore = this.services.failures.failed.size;
    try {
      await Promise.all(hosts.map((host) => this.schedule(throttle, () => this.runOnHost(task, info, host, hostVars.get(host), runOnce ? active : undefined))));
    } finally {
      stopProgress();
    }
    if (this.services.failures.failed.size > failedBefore) this.afterFailure(task, firstVars);
  }

  private async runOnHost(task: Task, info: TaskInfo, host: string, extra: Vars | undefined, shareWith: readonly string[] | undefined): Promise<void> {
    const { stats, failures } = this.services;
    this.run.progress.begin(info, host);
    let outcome: HostOutcome;
    try {
      outcome = await runTaskOnHost(this.run, task, info, host, extra);
    } finally {
      this.run.progress.end(info, host);
    }
    stats.record(host, outcome);
    if (shareWith) this.share(task, host, outcome, shareWith);
    if (outcome.result['changed'] === true && outcome.status !== 'failed' && outcome.status !== 'unreachable') this.notify(task, host, extra);
    if (outcome.ignored) return;
    if (outcome.status === 'failed') {
      failures.failed.add(host);
      this.failureVars.set(host, { ansible_failed_task: { name: task.rawName, action: task.action }, ansible_failed_result: outcome.result });
    }
    if (outcome.status === 'unreachable') failures.unreachable.add(host);
  }

  /** `run_once`: the result (registered variable and facts) is given to every host of the batch. */
  private share(task: Task, from: string, outcome: HostOutcome, hosts: readonly string[]): void {
    const register = task.keywords['register'];
    const facts = outcome.result['ansible_facts'];
    for (const host of hosts) {
      if (host === from) continue;
      if (typeof register === 'string') this.run.vars.setFacts(host, { [register]: outcome.result });
      if (facts && typeof facts === 'object' && outcome.status !== 'failed' && task.module.facts !== 'gathered') this.run.vars.setFacts(host, facts as Vars, { templated: task.module.facts === 'templated' });
    }
  }

  private notify(task: Task, host: string, extra: Vars | undefined): void {
    if (task.notify.length === 0) return;
    const vars = this.run.vars.forTask(host, taskScope(task), extra);
    for (const raw of task.notify) {
      const name = stringify(this.run.templar.render(raw, vars));
      for (const handler of this.play.handlers) {
        if (handler.rawName !== name && handler.name !== name && !handler.listen.includes(name)) continue;
        let hosts = this.notified.get(handler);
        if (!hosts) this.notified.set(handler, (hosts = new Set()));
        hosts.add(host);
      }
    }
  }

  /** Runs notified handlers, in the order they are written, on the hosts that notified them. */
  private async flushHandlers(scope: readonly string[], includeFailed = false): Promise<void> {
    for (let pass = 0; pass < 10; pass++) {
      let ran = false;
      for (const handler of this.play.handlers) {
        const pending = this.notified.get(handler);
        if (!pending || pending.size === 0) continue;
        const { failures } = this.services;
        const targets = scope.filter((h) => pending.has(h) && (includeFailed ? !failures.unreachable.has(h) : this.alive([h]).length === 1));
        for (const host of targets) pending.delete(host);
        if (targets.length === 0) continue;
        ran = true;
        const revived = includeFailed ? targets.filter((h) => failures.failed.has(h)) : [];
        for (const host of revived) failures.failed.delete(host);
        await this.runTask(handler, targets, new Map(), true);
        for (const host of revived) failures.failed.add(host);
      }
      if (!ran) return;
    }
  }

  private async runMeta(meta: MetaTask, active: readonly string[], hostVars: HostVars): Promise<void> {
    this.updatePlayMagic();
    const holds = active.filter((h) => conditionsHold(meta, this.run.vars.forTask(h, taskScope(meta), hostVars.get(h))));
    if (holds.length === 0) return;
    switch (meta.what) {
      case 'flush_handlers':
        return this.flushHandlers(holds);
      case 'end_host':
        for (const host of holds) this.endedHosts.add(host);
        return;
      case 'end_batch':
        this.endBatch = true;
        return;
      case 'end_play':
        this.endBatch = true;
        this.outcome.endPlay = true;
        return;
      case 'clear_host_errors':
        for (const host of this.hosts) this.services.failures.failed.delete(host);
        return;
      case 'refresh_inventory':
        return this.services.refreshInventory();
      case 'noop':
        return;
    }
  }

  /** `include_tasks`/`include_role`: per host (and per loop item), read what it brings and run it for those hosts. */
  private async runInclude(node: Include, active: readonly string[], hostVars: HostVars): Promise<void> {
    if (!this.services.tags.selects(node.tags)) return;
    this.updatePlayMagic();
    const runs = new Map<string, { index: number; target: string; label: string | undefined; hosts: string[]; vars: Map<string, Vars> }>();
    const info: TaskInfo = { id: node.id, name: node.name, action: node.action, location: node.location, noLog: false };
    for (const host of active) {
      let included = 0;
      try {
        const base = this.run.vars.forTask(host, taskScope(node), hostVars.get(host));
        const items = loopItems(node, this.run.templar, base);
        const control = loopControl(node, this.run.templar, base);
        const list = items === undefined ? [undefined] : items;
        for (const [index] of list.entries()) {
          const loopVars = items === undefined ? {} : itemVars(control, items, index);
          const vars = this.run.vars.forTask(host, taskScope(node), { ...hostVars.get(host), ...loopVars });
          if (!conditionsHold(node, vars)) continue;
          const target = stringify(this.run.templar.render(node.target, vars));
          const key = `${index}\u0000${target}`;
          let group = runs.get(key);
          if (!group) runs.set(key, (group = { index, target, label: items === undefined ? undefined : itemLabel(control, this.run.templar, vars, items[index]), hosts: [], vars: new Map() }));
          group.hosts.push(host);
          group.vars.set(host, { ...hostVars.get(host), ...loopVars });
          included++;
          // Ansible counts each file an include_tasks brings in as `ok` for the host (include_role counts nothing).
          if (node.action === 'include_tasks') this.services.stats.record(host, { status: 'ok', ignored: false, result: {} });
        }
      } catch (error) {
        this.failHost(node, host, error);
        continue;
      }
      if (included === 0) {
        const outcome: HostOutcome = { status: 'skipped', ignored: false, result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' } };
        this.run.emit({ type: 'host_result', task: info, host, status: 'skipped', result: outcome.result });
        this.services.stats.record(host, outcome);
      }
    }
    // Loop items run in loop order (the hosts were walked in inventory order).
    for (const group of [...runs.values()].sort((a, b) => a.index - b.index)) {
      let nodes: TaskNode[];
      try {
        nodes = await this.services.loadInclude(node, group.target);
      } catch (error) {
        for (const host of group.hosts) this.failHost(node, host, error);
        continue;
      }
      this.run.emit({ type: 'included', task: info, file: group.target, hosts: group.hosts, ...(group.label !== undefined ? { label: group.label } : {}) });
      await this.runNodes(nodes, group.hosts, group.vars);
    }
  }

  /** Records a failure that happened outside a module (an include that can't be read, a bad loop). */
  private failHost(node: Include, host: string, error: unknown): void {
    const info: TaskInfo = { id: node.id, name: node.name, action: node.action, location: node.location, noLog: false };
    const msg = error instanceof KbrunError ? error.render() : error && typeof error === 'object' && 'render' in error ? (error as { render(): string }).render() : String(error);
    const outcome: HostOutcome = { status: 'failed', ignored: false, result: { failed: true, changed: false, msg } };
    this.run.emit({ type: 'host_result', task: info, host, status: 'failed', result: node.keywords['no_log'] === true ? censor(outcome.result) : outcome.result });
    this.services.stats.record(host, outcome);
    this.services.failures.failed.add(host);
  }

  /** `any_errors_fatal` ends the batch for every host; `max_fail_percentage` ends it past its share of failures. */
  private afterFailure(task: Task, vars: Vars): void {
    const failedInBatch = this.hosts.filter((h) => this.services.failures.failed.has(h) && !this.failedBefore.has(h)).length;
    const fatal = asBoolean(renderKeyword(this.run, task, 'any_errors_fatal', vars) ?? this.play.keywords['any_errors_fatal'] ?? false);
    const maxFail = this.play.keywords['max_fail_percentage'];
    const crossed = maxFail !== undefined && (failedInBatch / this.hosts.length) * 100 > Number(maxFail);
    if (fatal || crossed) {
      this.endBatch = true;
      this.outcome = { endPlay: true, abortRun: true };
    }
  }

  private async gatherFacts(task: Task): Promise<void> {
    const cached = this.alive(this.hosts).filter((h) => this.run.vars.hasGatheredFacts(h));
    const fresh = this.alive(this.hosts).filter((h) => !cached.includes(h));
    const info = this.info(task);
    this.started.add(info);
    this.run.emit({ type: 'task_start', task: info });
    for (const host of cached) {
      const outcome: HostOutcome = { status: 'ok', ignored: false, result: { changed: false, failed: false, cached: true, ansible_facts: this.run.vars.facts(host)['ansible_facts'] } };
      this.run.emit({ type: 'host_result', task: info, host, status: 'ok', result: outcome.result });
      this.services.stats.record(host, outcome);
    }
    if (fresh.length > 0) await Promise.all(fresh.map((host) => this.schedule(undefined, () => this.runOnHost(task, info, host, undefined, undefined))));
  }

  private schedule(throttle: PQueue | undefined, job: () => Promise<void>): Promise<void> {
    if (!throttle) return this.services.forks.add(job);
    return throttle.add(() => this.services.forks.add(job));
  }

  private throttleFor(task: Task, vars: Vars): PQueue | undefined {
    if (!this.throttles.has(task)) {
      const raw = renderKeyword(this.run, task, 'throttle', vars);
      const limit = raw === undefined ? 0 : Number(raw);
      this.throttles.set(task, limit > 0 ? new PQueue({ concurrency: limit }) : undefined);
    }
    return this.throttles.get(task);
  }
}
