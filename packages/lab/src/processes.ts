import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

/** A process as `/proc` shows it, for finding the lab's processes and measuring them. */
export interface ProcessInfo {
  pid: number;
  /** Start time in clock ticks after boot (`/proc/PID/stat` field 22): with the PID, it names one process for good. */
  start: string;
  cmdline: string[];
  netns: string | undefined;
  pidns: string | undefined;
}

/** Reads one process; undefined when it is gone. */
export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const link = (ns: string) => {
      try {
        return readlinkSync(`/proc/${pid}/ns/${ns}`);
      } catch {
        return undefined;
      }
    };
    return {
      pid,
      start: fields[19] ?? '',
      cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== ''),
      netns: link('net'),
      pidns: link('pid'),
    };
  } catch {
    return undefined;
  }
}

/** Every process of the machine. */
export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info) out.push(info);
  }
  return out;
}

/** True while the process that had this PID and start time is still there (a reused PID is not it). */
export function isAlive(pid: number | undefined, start: string | undefined): boolean {
  if (pid === undefined) return false;
  const info = readProcess(pid);
  return info !== undefined && (start === undefined || info.start === start) && !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The `net:[inode]` identity of a named network namespace, as `/proc/PID/ns/net` shows it. */
export function namespaceIdentity(path: string): string | undefined {
  try {
    return `net:[${statSync(path).ino}]`;
  } catch {
    return undefined;
  }
}

/** The direct children of a process. */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter((p) => p !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** The proportional memory (PSS, bytes) of every process in the given PID namespace: a host's share of the machine's memory. */
export function memoryOfPidNamespace(pidns: string): number {
  let total = 0;
  for (const p of listProcesses()) {
    if (p.pidns !== pidns) continue;
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8'));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Sends a signal, ignoring a process already gone. */
export function signal(pid: number, sig: NodeJS.Signals | number): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Waits until none of the processes is alive, or the time is up; returns those still alive. */
export async function waitGone(processes: ReadonlyArray<{ pid: number; start: string }>, timeoutMs: number): Promise<Array<{ pid: number; start: string }>> {
  const deadline = Date.now() + timeoutMs;
  let alive = processes.filter((p) => isAlive(p.pid, p.start));
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    alive = alive.filter((p) => isAlive(p.pid, p.start));
  }
  return alive;
}
