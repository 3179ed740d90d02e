import PQueue from 'p-queue';
import type { TaskInfo } from '../events/events.js';
import type { Play, Task } from '../language/model.js';
import type { RunContext } from './run-context.js';
import { inherited } from './run-context.js';
import type { RunStats } from './stats.js';
import { runTaskOnHost, type HostOutcome } from './task-executor.js';

/** Hosts taken out of the rest of the run (failed or unreachable), shared by all plays. */
export interface HostFailures {
  failed: Set<string>;
  unreachable: Set<string>;
}

/** What a play needs to run its tasks on its hosts. */
export interface PlayRun {
  run: RunContext;
  play: Play;
  hosts: string[];
  forks: PQueue;
  stats: RunStats;
  failures: HostFailures;
  infos: Map<Task, TaskInfo>;
}

/** Runs a play's tasks with its strategy; resolves when every host is done. */
export async function runPlayTasks(p: PlayRun): Promise<void> {
  const strategy = p.play.keywords['strategy'] === 'free' ? runFree : runLinear;
  await strategy(p);
}

/** `linear`: every host finishes task N before any host starts task N+1. */
async function runLinear(p: PlayRun): Promise<void> {
  let active = p.hosts.filter((h) => !isOut(p, h));
  for (const task of p.play.tasks) {
    if (active.length === 0) break;
    const info = p.infos.get(task)!;
    p.run.emit({ type: 'task_start', task: info });
    const throttle = throttleQueue(p, task);
    p.run.vars.setPlayMagic('ansible_play_hosts', active);
    p.run.vars.setPlayMagic('ansible_play_batch', active);
    const stopProgress = p.run.progress.watch(info);
    try {
      await Promise.all(active.map((host) => schedule(p, throttle, () => runOne(p, task, info, host))));
    } finally {
      stopProgress();
    }
    active = active.filter((h) => !isOut(p, h));
  }
}

/** `free`: each host runs through the tasks at its own pace. */
async function runFree(p: PlayRun): Promise<void> {
  const started = new Set<Task>();
  const throttles = new Map<Task, PQueue | undefined>();
  const active = p.hosts.filter((h) => !isOut(p, h));
  p.run.vars.setPlayMagic('ansible_play_hosts', active);
  p.run.vars.setPlayMagic('ansible_play_batch', active);
  await Promise.all(
    active.map(async (host) => {
      for (const task of p.play.tasks) {
        if (isOut(p, host)) return;
        const info = p.infos.get(task)!;
        if (!started.has(task)) {
          started.add(task);
          p.run.emit({ type: 'task_start', task: info });
        }
        if (!throttles.has(task)) throttles.set(task, throttleQueue(p, task));
        const stopProgress = p.run.progress.watch(info);
        await schedule(p, throttles.get(task), () => runOne(p, task, info, host)).finally(stopProgress);
      }
    }),
  );
}

async function runOne(p: PlayRun, task: Task, info: TaskInfo, host: string): Promise<void> {
  p.run.progress.begin(info, host);
  const outcome: HostOutcome = await runTaskOnHost(p.run, p.play, task, info, host).finally(() => p.run.progress.end(info, host));
  p.stats.record(host, outcome);
  if (outcome.ignored) return;
  if (outcome.status === 'failed') p.failures.failed.add(host);
  if (outcome.status === 'unreachable') p.failures.unreachable.add(host);
}

/** Runs `job` in a fork slot, after a `throttle` slot when the task has one. */
function schedule(p: PlayRun, throttle: PQueue | undefined, job: () => Promise<void>): Promise<void> {
  if (!throttle) return p.forks.add(job);
  return throttle.add(() => p.forks.add(job));
}

function throttleQueue(p: PlayRun, task: Task): PQueue | undefined {
  const raw = inherited(task, p.play, 'throttle');
  const limit = raw === undefined ? 0 : Number(p.run.templar.render(String(raw), p.run.vars.forTask(p.hosts[0] ?? 'localhost')));
  return limit > 0 ? new PQueue({ concurrency: limit }) : undefined;
}

function isOut(p: PlayRun, host: string): boolean {
  return p.failures.failed.has(host) || p.failures.unreachable.has(host);
}
