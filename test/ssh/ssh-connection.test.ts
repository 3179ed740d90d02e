// The SSH connection against real OpenSSH servers: commands, channels in parallel, files, reconnects.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { ConnectionError, type Connection } from '@kbrun/core';
import { sshConnectionFactory, SshConnection, type SshConnectionFactory } from '@kbrun/ssh';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sshdMissing, startSshdHarness, type SshdHarness } from '../helpers/sshd-harness.js';
import { requires } from '../helpers/prerequisite.js';

const needsSshd = requires(sshdMissing);

let harness: SshdHarness;
let ssh: SshConnectionFactory;

beforeAll(async () => {
  if (sshdMissing) return;
  harness = await startSshdHarness({
    hosts: [
      { name: 'main', address: '127.0.0.30' },
      { name: 'wide', address: '127.0.0.31', maxSessions: 100 },
      { name: 'flaky', address: '127.0.0.32' },
    ],
  });
  ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
});

afterAll(async () => {
  await ssh?.closeAll();
  await harness?.stop();
});

async function connect(name: string, vars: Record<string, unknown> = {}): Promise<SshConnection> {
  return (await ssh.factory(name, harness.hostVars(name, vars))) as SshConnection;
}

const accepted = (name: string) => harness.host(name).log().split('\n').filter((l) => l.startsWith('Accepted publickey for root')).length;

describe('commands', () => {
  let main: Connection;
  beforeAll(async () => {
    if (!sshdMissing) main = await connect('main');
  });

  needsSshd('runs argument vectors quoted word by word, and strings through /bin/sh', async () => {
    expect(await main.exec(['printf', '%s|', 'a b', "it's", '$HOME', '*'])).toEqual({ rc: 0, stdout: "a b|it's|$HOME|*|", stderr: '' });
    expect(await main.exec('echo out; echo err >&2; exit 3')).toEqual({ rc: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await main.exec(['no-such-program-kbrun'])).rc).toBe(127);
  });

  needsSshd('honours cwd, env and stdin', async () => {
    const result = await main.exec('pwd; echo "$GREETING"; cat', { cwd: harness.dir, env: { GREETING: "hello 'world'" }, stdin: 'from stdin\n' });
    expect(result).toEqual({ rc: 0, stdout: `${harness.dir}\nhello 'world'\nfrom stdin\n`, stderr: '' });
    expect((await main.exec(['cat'], { stdin: Buffer.from([0, 1, 2, 255]) })).stdout.length).toBeGreaterThan(0);
    expect((await main.exec(['pwd'], { cwd: '/nonexistent-kbrun' })).rc).not.toBe(0);
  });

  needsSshd('gives up on a command at its timeout (rc 124) and on abort, without waiting for it', async () => {
    // On 'wide' (MaxSessions 100): OpenSSH refuses signals on root logins, so these sleeps hold their sessions.
    const wide = await connect('wide');
    const started = Date.now();
    const timedOut = await wide.exec(['sleep', '20'], { timeoutMs: 300 });
    expect(timedOut.rc).toBe(124);
    expect(timedOut.stderr).toContain('timed out after 300 ms');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 200);
    await expect(wide.exec(['sleep', '20'], { signal: controller.signal })).rejects.toThrow('stop now');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  needsSshd('uses one TCP connection for everything', async () => {
    const before = accepted('main');
    const fresh = await connect('main');
    for (let i = 0; i < 5; i++) expect((await fresh.exec(['true'])).rc).toBe(0);
    await Promise.all(Array.from({ length: 20 }, () => fresh.exec(['true'])));
    await fresh.put(`${harness.dir}/one-connection`, 'x');
    expect(String(await fresh.get(`${harness.dir}/one-connection`))).toBe('x');
    expect(fresh.stats().logins).toBe(1);
    expect(accepted('main') - before).toBe(1);
  });
});

describe('parallel channels', () => {
  needsSshd('runs 100 commands at once on one host with max_sessions 100', async () => {
    const wide = await connect('wide', { kbrun_ssh_max_sessions: 100 });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => wide.exec(['sh', '-c', 'sleep 0.3; echo $0', String(i)])));
    expect(results.every((r, i) => r.rc === 0 && r.stdout === `${i}\n`)).toBe(true);
    const stats = wide.stats();
    expect(stats.maxSessions).toBe(100);
    expect(stats.peakChannels).toBeLessThanOrEqual(100);
    expect(stats.peakChannels).toBeGreaterThan(50);
    expect(stats.logins).toBe(1);
  });

  needsSshd('never opens more channels than max_sessions (default 10)', async () => {
    const main = await connect('main');
    const results = await Promise.all(Array.from({ length: 40 }, () => main.exec(['sleep', '0.05'])));
    expect(results.every((r) => r.rc === 0)).toBe(true);
    expect(main.stats()).toMatchObject({ maxSessions: 10, peakChannels: 10, activeChannels: 0 });
  });
});

describe('files over SFTP', () => {
  needsSshd('transfers 50 MB intact (sha256 checked on the target)', async () => {
    const main = await connect('main');
    const data = randomBytes(50 * 1024 * 1024);
    const path = `${harness.dir}/big/file.bin`;
    const started = Date.now();
    await main.put(path, data);
    const remote = await main.exec(['sha256sum', path]);
    expect(remote.stdout.split(' ')[0]).toBe(createHash('sha256').update(data).digest('hex'));
    const back = await main.get(path);
    expect(back?.equals(data)).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    await main.exec(['rm', '-f', path]);
  });

  needsSshd('replaces files atomically, sets or keeps the mode, creates parents, reads missing files as null', async () => {
    const main = await connect('main');
    const path = `${harness.dir}/files/a/b/conf`;
    await main.put(path, 'one\n', { mode: 0o640 });
    expect((await main.exec(['stat', '-c', '%a', path])).stdout).toBe('640\n');
    await main.put(path, 'two\n');
    expect((await main.exec(['stat', '-c', '%a', path])).stdout).toBe('640\n');
    expect(String(await main.get(path))).toBe('two\n');
    await main.put(path, 'three\n', { mode: 0o600 });
    expect((await main.exec(['stat', '-c', '%a', path])).stdout).toBe('600\n');
    expect(readdirSync(`${harness.dir}/files/a/b`)).toEqual(['conf']);
    expect(await main.get(`${harness.dir}/files/missing`)).toBeNull();
    await expect(main.get(`${harness.dir}/files`)).rejects.toThrow(/cannot read/);
  });
});

describe('connection loss', () => {
  needsSshd('logs in again, once, when the connection dropped between commands', async () => {
    const flaky = await connect('flaky');
    expect((await flaky.exec(['true'])).rc).toBe(0);
    await harness.host('flaky').dropConnections();
    expect((await flaky.exec(['echo', 'back'])).stdout).toBe('back\n');
    expect(flaky.stats().logins).toBe(2);
    // Even when the client has not yet noticed the drop, the command is not lost: the channel never opened.
    const drop = harness.host('flaky').dropConnections();
    const result = await flaky.exec(['echo', 'again']);
    await drop;
    expect(result.stdout).toBe('again\n');
  });

  needsSshd('fails a command whose sshd is killed under it, quickly (ConnectionError → unreachable)', async () => {
    const flaky = await connect('flaky');
    expect((await flaky.exec(['true'])).rc).toBe(0);
    const started = Date.now();
    const running = flaky.exec(['sleep', '30']);
    await new Promise((r) => setTimeout(r, 300));
    await harness.host('flaky').kill();
    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/connection was lost while a command was running/);
    expect(Date.now() - started).toBeLessThan(5000);
    // Down: the next command tries to log in again and says why it can't.
    await expect(flaky.exec(['true'])).rejects.toThrow(/connection refused/);
    await harness.host('flaky').start();
    expect((await flaky.exec(['echo', 'up'])).stdout).toBe('up\n');
  });
});
