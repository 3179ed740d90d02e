// The setup module: real gathering on this machine (LocalConnection) and fake targets replaying fixture output.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalConnection, type Connection, type ExecOptions, type ExecResult } from '@kbrun/core';
import { builtinModules, setup } from '../src/index.js';
import { GATHER_SCRIPT, SECTIONS, splitSections } from '../src/lib/facts/gather-script.js';
import { FIXTURES, makeContext, prepareArgs } from './helpers/target.js';

/** One exec call as the module made it. */
interface Call {
  command: string | readonly string[];
  options: ExecOptions | undefined;
}

/** A connection that records every exec and answers through `answer` (by default: the real local machine). */
class RecordingConnection implements Connection {
  readonly kind = 'recording';
  readonly calls: Call[] = [];
  constructor(private readonly answer: (command: string | readonly string[], options?: ExecOptions) => Promise<ExecResult>) {}
  exec(command: string | readonly string[], options?: ExecOptions): Promise<ExecResult> {
    this.calls.push({ command, options });
    return this.answer(command, options);
  }
  async put(): Promise<void> {
    throw new Error('setup must not write');
  }
  async get(): Promise<Buffer | null> {
    throw new Error('setup reads through its one command');
  }
  async openTcp(): Promise<never> {
    throw new Error('setup opens no stream');
  }
  async close(): Promise<void> {}
}

/** A wrapper counting calls on this machine. */
function local(): RecordingConnection {
  const real = new LocalConnection();
  return new RecordingConnection((command, options) => real.exec(command, options));
}

/** A fake target replaying a fixture: it prints only the sections the command asked for, as the script would. */
function replaying(name: string): RecordingConnection {
  const text = readFileSync(join(FIXTURES, 'facts', name), 'utf8');
  const blocks = new Map(text.split(/^(?===[a-z0-9-]+==$)/m).map((block) => [/^==([a-z0-9-]+)==/.exec(block)![1]!, block] as const));
  return new RecordingConnection(async (command) => {
    const asked = (command as string[]).slice(5);
    return { rc: 0, stdout: asked.map((section) => blocks.get(section) ?? `==${section}==\n`).join(''), stderr: '' };
  });
}

/** Runs setup with arguments prepared as the engine would, over a connection. */
async function gather(connection: Connection, args: Record<string, unknown> = {}, check = false) {
  const test = makeContext({ check });
  test.ctx.connection = connection;
  const result = await setup.run(prepareArgs(setup, args), test.ctx);
  return { result, facts: (result.ansible_facts ?? {}) as Record<string, any>, logs: test.logs };
}

const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
const localId = /^ID="?([^"\n]*)"?$/m.exec(osRelease)?.[1];

describe('setup on this machine', () => {
  it('gathers the facts in exactly one command and agrees with Node', async () => {
    const connection = local();
    const started = performance.now();
    const { result, facts } = await gather(connection);
    const elapsed = performance.now() - started;
    console.log(`setup: one real gather took ${elapsed.toFixed(1)} ms (${Object.keys(facts).length} facts)`);
    expect(connection.calls).toHaveLength(1);
    expect(result.changed).toBe(false);
    expect(result.failed).toBeUndefined();
    expect(facts['nodename']).toBe(hostname());
    expect(facts['hostname']).toBe(hostname().split('.')[0]);
    expect(Math.abs(facts['memtotal_mb'] - totalmem() / 2 ** 20) / (totalmem() / 2 ** 20)).toBeLessThan(0.02);
    expect(facts['processor_vcpus']).toBe(cpus().length);
    if (localId === 'debian') expect(facts['distribution']).toBe('Debian');
    if (localId === 'ubuntu') expect(facts['distribution']).toBe('Ubuntu');
    expect(facts['os_family']).toBeTypeOf('string');
    expect(facts['system']).toBe('Linux');
    expect(facts['mounts'].map((m: { mount: string }) => m.mount)).toContain('/');
    expect(facts['user_uid']).toBe(process.getuid!());
    expect(Math.abs(Number(facts['date_time'].epoch) - Date.now() / 1000)).toBeLessThan(60);
    expect(facts['uptime_seconds']).toBeGreaterThan(0);
    expect(facts['interfaces']).toContain('lo');
    for (const address of facts['all_ipv4_addresses'] ?? []) expect(address).not.toMatch(/^127\./);
    expect(facts['gather_subset']).toEqual(['all']);
    expect(facts['module_setup']).toBe(true);
    expect(facts['virtualization_type']).toBeTypeOf('string');
  });

  it('sends the constant script with the sections as positional arguments and gather_timeout as the exec timeout', async () => {
    const connection = local();
    await gather(connection, { gather_subset: 'min', gather_timeout: 3 });
    const [call] = connection.calls;
    const argv = call!.command as string[];
    expect(argv.slice(0, 4)).toEqual(['/bin/sh', '-c', GATHER_SCRIPT, 'kbrun-facts']);
    expect(argv[4]).toBe('1');
    expect(argv.slice(5)).toEqual(['os-release', 'debian-version', 'uname', 'fqdn', 'date', 'user', 'env', 'dns']);
    expect(call!.options?.timeoutMs).toBe(3000);
    expect(call!.options?.signal).toBeInstanceOf(AbortSignal);
    const defaults = local();
    await gather(defaults, { filter: 'ansible_hostname' });
    expect(defaults.calls[0]!.options?.timeoutMs).toBe(10_000);
    expect((defaults.calls[0]!.command as string[]).slice(5)).toEqual(['uname']);
  });

  it('runs in check mode too (reading facts changes nothing)', async () => {
    expect(setup.check).toBe('full');
    const connection = local();
    const { result, facts } = await gather(connection, {}, true);
    expect(connection.calls).toHaveLength(1);
    expect(result.changed).toBe(false);
    expect(facts['distribution']).toBeDefined();
  });

  it("'min' gathers no hardware, network or virtualization facts", async () => {
    const connection = local();
    const { facts } = await gather(connection, { gather_subset: ['min'] });
    expect(facts).toHaveProperty('distribution');
    expect(facts).toHaveProperty('date_time');
    expect(facts).toHaveProperty('user_id');
    for (const key of ['mounts', 'devices', 'memtotal_mb', 'processor_vcpus', 'interfaces', 'default_ipv4', 'virtualization_type']) expect(facts).not.toHaveProperty(key);
    expect(facts['gather_subset']).toEqual(['min']);
  });

  it("'!hardware' gathers everything but memory, CPU, devices and mounts", async () => {
    const connection = local();
    const { facts } = await gather(connection, { gather_subset: '!hardware' });
    expect(connection.calls).toHaveLength(1);
    for (const key of ['memtotal_mb', 'memfree_mb', 'memory_mb', 'swaptotal_mb', 'processor', 'mounts', 'devices', 'uptime_seconds']) expect(facts).not.toHaveProperty(key);
    expect(facts).toHaveProperty('interfaces');
    expect(facts).toHaveProperty('virtualization_role');
    expect(facts).toHaveProperty('hostname');
    const sent = (connection.calls[0]!.command as string[]).slice(5);
    expect(sent).not.toContain('meminfo');
    expect(sent).toContain('ipv4');
  });

  it("filter keeps matching facts only (with or without the ansible_ prefix) and gathers only what they need", async () => {
    const connection = local();
    const { facts } = await gather(connection, { filter: ['ansible_distribution*', 'mem*'] });
    expect(Object.keys(facts).sort()).toEqual(
      ['distribution', 'distribution_major_version', 'distribution_release', 'distribution_version', 'memfree_mb', 'memory_mb', 'memtotal_mb'].sort(),
    );
    expect((connection.calls[0]!.command as string[]).slice(5)).toEqual(['os-release', 'debian-version', 'meminfo']);
  });

  it('a comma-separated subset string works as a list', async () => {
    const { facts } = await gather(local(), { gather_subset: 'min,virtual' });
    expect(facts).toHaveProperty('virtualization_type');
    expect(facts).not.toHaveProperty('interfaces');
    expect(facts['gather_subset']).toEqual(['min', 'virtual']);
  });

  it("'!all,!min' gathers nothing and makes no call", async () => {
    const connection = local();
    const { facts } = await gather(connection, { gather_subset: ['!all', '!min'] });
    expect(connection.calls).toHaveLength(0);
    expect(facts).toEqual({ gather_subset: ['!all', '!min'], module_setup: true });
  });

  it('rejects an unknown subset and unknown arguments', async () => {
    const { result } = await gather(local(), { gather_subset: ['hardware', 'ohai'] });
    expect(result).toMatchObject({ failed: true, changed: false, msg: expect.stringMatching(/Bad subset 'ohai'/) });
    expect(() => prepareArgs(setup, { fact_path: '/etc/ansible/facts.d' })).toThrow(/additional/);
    expect(() => prepareArgs(setup, { gather_timeout: 0 })).toThrow();
  });

  it('the script is POSIX: dash and bash --posix print every section and exit 0, even with an empty PATH', () => {
    const shells = [['/bin/sh'], ...(existsSync('/bin/bash') ? [['/bin/bash', '--posix']] : [])];
    for (const [shell, ...flags] of shells) {
      for (const env of [process.env, { PATH: '/nonexistent' }]) {
        const out = execFileSync(shell!, [...flags, '-c', GATHER_SCRIPT, 'kbrun-facts', '2', ...SECTIONS], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        const markers = out.split('\n').filter((line) => /^==[a-z0-9-]+==$/.test(line));
        expect(markers).toEqual(SECTIONS.map((s) => `==${s}==`));
      }
    }
  });

  it('a hanging df costs only the mount sizes: timeout(1) stops it on the target', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kbrun-setup-'));
    try {
      await writeFile(join(dir, 'df'), '#!/bin/sh\n[ "$3" = / ] && exit 0\nexec sleep 30\n', { mode: 0o755 });
      const started = performance.now();
      const result = await new LocalConnection().exec(['/bin/sh', '-c', GATHER_SCRIPT, 'kbrun-facts', '1', 'df', 'uptime'], { env: { PATH: `${dir}:${process.env['PATH']}` } });
      expect(performance.now() - started).toBeLessThan(8000);
      const sections = splitSections(result.stdout);
      expect(sections.get('df')).toBe('');
      expect(sections.get('uptime')).toMatch(/^\d+/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is registered in the built-in pack', () => {
    expect(builtinModules['setup']).toBe(setup);
  });
});

describe('setup against fake targets', () => {
  it('reads an Ubuntu 24.04 cloud server', async () => {
    const connection = replaying('ubuntu2404-cloud.txt');
    const { facts } = await gather(connection);
    expect(connection.calls).toHaveLength(1);
    expect(facts).toMatchObject({
      distribution: 'Ubuntu',
      distribution_version: '24.04',
      distribution_major_version: '24',
      distribution_release: 'noble',
      os_family: 'Debian',
      hostname: 'pg-01',
      fqdn: 'pg-01.example.internal',
      processor_vcpus: 4,
      memtotal_mb: 7751,
      all_ipv4_addresses: ['203.0.113.10', '10.0.0.12', '10.0.0.112', '172.17.0.1'],
      default_ipv4: { interface: 'eth0', gateway: '172.31.1.1', address: '203.0.113.10' },
      devices: { sda: { size: '40.00 GB' }, sdb: { model: 'Volume', size: '50.00 GB' } },
      virtualization_type: 'kvm',
      virtualization_role: 'guest',
      user_id: 'deploy',
      uptime_seconds: 350125,
    });
  });

  it('a target without ip, lsblk, /sys/block or resolv.conf still gives the rest', async () => {
    const { result, facts } = await gather(replaying('container-no-tools.txt'));
    expect(result.failed).toBeUndefined();
    for (const key of ['all_ipv4_addresses', 'default_ipv4', 'devices', 'dns']) expect(facts).not.toHaveProperty(key);
    expect(facts).toMatchObject({ distribution: 'Debian', distribution_version: '12.5', interfaces: ['eth0', 'lo'], memtotal_mb: 1967, virtualization_type: 'docker' });
    expect(facts['mounts'].map((m: { mount: string }) => m.mount)).toEqual(['/', '/etc/hosts']);
  });

  it('reports a timeout and a failing shell', async () => {
    const slow = new RecordingConnection(async () => ({ rc: 124, stdout: '==os-release==\n', stderr: 'command timed out after 2000 ms\n' }));
    expect((await gather(slow, { gather_timeout: 2 })).result).toMatchObject({ failed: true, msg: expect.stringMatching(/timed out after 2 seconds/) });
    const broken = new RecordingConnection(async () => ({ rc: 127, stdout: '', stderr: '/bin/sh: not found\n' }));
    expect((await gather(broken)).result).toMatchObject({ failed: true, rc: 127, msg: 'Gathering facts failed: /bin/sh: not found' });
  });
});
