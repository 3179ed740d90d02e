// A scripted target for data-driven module tests: facts are canned command outputs, files live in memory, and every
// command the module sends is recorded, so a test states "these facts → exactly these commands and this result".
import { shellJoin, type Connection, type ExecOptions, type ExecResult, type ModuleContext, type ModuleResult, type AnyModule } from '@kbrun/core';
import type { Duplex } from 'node:stream';
import { prepareArgs } from '../../../../test/helpers/module-args.js';

export { prepareArgs };

/** A canned answer: matched against the command line (shell-quoted argv, or the string as given). */
export interface Fact {
  match: string | RegExp | ((line: string) => boolean);
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** Changes the fake's files when the command runs (a mutation's effect on later reads). */
  effect?: (target: FakeTarget) => void;
}

/** What a fake file holds. */
export interface FakeFile {
  content: string;
  mode?: number;
  owner?: string;
  group?: string;
}

/** A Connection that answers from facts and an in-memory file system. */
export class FakeTarget implements Connection {
  readonly kind = 'ssh';
  /** Every command line sent, in order. */
  readonly commands: string[] = [];
  /** Every command's environment and stdin, in order. */
  readonly options: ExecOptions[] = [];
  readonly files = new Map<string, FakeFile>();
  /** Files written with put, in order. */
  readonly puts: string[] = [];
  private readonly facts: Fact[];

  constructor(facts: Fact[] = [], files: Record<string, string | FakeFile> = {}) {
    this.facts = facts;
    for (const [path, file] of Object.entries(files)) this.files.set(path, typeof file === 'string' ? { content: file } : file);
  }

  async exec(command: string | readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const line = typeof command === 'string' ? command : shellJoin(command);
    this.commands.push(line);
    this.options.push(options);
    const fact = this.facts.find((f) => (typeof f.match === 'string' ? line === f.match : f.match instanceof RegExp ? f.match.test(line) : f.match(line)));
    if (fact) {
      fact.effect?.(this);
      return { rc: fact.rc ?? 0, stdout: fact.stdout ?? '', stderr: fact.stderr ?? '' };
    }
    // `stat` of managed files answers from the in-memory files.
    const stat = typeof command !== 'string' && command[0] === 'stat' && command[1] === '-c' ? command.at(-1) : undefined;
    if (stat !== undefined) {
      const file = this.files.get(stat);
      if (!file) return { rc: 1, stdout: '', stderr: `stat: cannot statx '${stat}': No such file or directory` };
      return { rc: 0, stdout: `${(file.mode ?? 0o644).toString(8)}:${file.owner ?? 'root'}:${file.group ?? 'root'}\n`, stderr: '' };
    }
    if (typeof command !== 'string' && command[0] === 'rm' && command[1] === '-f') this.files.delete(command.at(-1)!);
    return { rc: 0, stdout: '', stderr: '' };
  }

  async put(path: string, data: string | Buffer, options: { mode?: number } = {}): Promise<void> {
    this.puts.push(path);
    const old = this.files.get(path);
    this.files.set(path, { ...old, content: data.toString(), ...(options.mode !== undefined ? { mode: options.mode } : {}) });
  }

  async get(path: string): Promise<Buffer | null> {
    const file = this.files.get(path);
    return file ? Buffer.from(file.content) : null;
  }

  openTcp(): Promise<Duplex> {
    return Promise.reject(new Error('the fake target opens no TCP streams'));
  }

  async close(): Promise<void> {}

  /** Command lines that are not reads (stat, dpkg-query, …): what a test usually asserts. */
  mutations(isRead: (line: string) => boolean): string[] {
    return this.commands.filter((line) => !isRead(line));
  }
}

/** Options of a test context. */
export interface FakeContextOptions {
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
  host?: string;
  protectedHosts?: string[];
  findFile?: (kind: string, path: string) => string;
}

/** A ModuleContext over a fake target. */
export function fakeContext(target: Connection, options: FakeContextOptions = {}): ModuleContext {
  const vars = options.vars ?? {};
  return {
    host: options.host ?? 'lab-host',
    vars,
    connection: target,
    check: options.check ?? false,
    diff: options.diff ?? false,
    signal: new AbortController().signal,
    environment: {},
    evaluate: () => undefined,
    findFile: (kind, path) => (options.findFile ? options.findFile(kind, path) : path),
    sleep: async () => {},
    progress: () => {},
    log: () => {},
    isProtected: (name) => (options.protectedHosts ?? []).includes(name),
  };
}

/** Runs a module against a fake target with arguments prepared as the engine would. */
export function runOn(target: FakeTarget, module: AnyModule, args: Record<string, unknown>, options: FakeContextOptions = {}): Promise<ModuleResult> {
  return module.run(prepareArgs(module, args), fakeContext(target, options));
}
