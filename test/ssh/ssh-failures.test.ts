// How the SSH connection fails: each failure is a ConnectionError (the host is unreachable) that says which it was.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ConnectionError } from '@kbrun/core';
import { sshConnectionFactory, type SshConnectionFactory } from '@kbrun/ssh';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sshdMissing, startSshdHarness, type SshdHarness } from '../helpers/sshd-harness.js';
import { requires } from '../helpers/prerequisite.js';

const needsSshd = requires(sshdMissing);

let harness: SshdHarness;
let ssh: SshConnectionFactory;

beforeAll(async () => {
  if (sshdMissing) return;
  harness = await startSshdHarness({ hosts: [{ name: 'alpha', address: '127.0.0.40' }, { name: 'beta', address: '127.0.0.41' }] });
  ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
});

afterAll(async () => {
  await ssh?.closeAll();
  await harness?.stop();
});

/** What the first command on a fresh connection with these variables throws (undefined when it works). */
async function firstCommand(name: string, vars: Record<string, unknown>): Promise<Error | undefined> {
  const connection = await ssh.factory(name, harness.hostVars(name, vars));
  try {
    const result = await connection.exec(['true']);
    expect(result).toEqual({ rc: 0, stdout: '', stderr: '' });
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await connection.close();
  }
}

const knownHosts = (name: string, lines: string) => {
  const file = join(harness.dir, name);
  writeFileSync(file, lines);
  return file;
};
const keygen = (file: string, ...args: string[]) => execFileSync('ssh-keygen', ['-q', '-N', '', ...args, '-f', file], { stdio: 'ignore' });

describe('host keys', () => {
  needsSshd('refuses a CHANGED host key, naming the danger and the fix', async () => {
    const other = join(harness.dir, 'other_host_key');
    keygen(other, '-t', 'ed25519');
    const alpha = harness.host('alpha');
    const file = knownHosts('kh_changed', `[${alpha.address}]:${alpha.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const error = await firstCommand('alpha', { ansible_ssh_common_args: `-o UserKnownHostsFile=${file}` });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error!.message).toMatch(/host key for alpha \(root@127\.0\.0\.40:\d+\) has CHANGED/);
    expect(error!.message).toMatch(/possible man-in-the-middle attack/);
    expect(error!.message).toContain(`ssh-keygen -R '[${alpha.address}]:${alpha.port}'`);
    expect(error!.message).toContain(`${file}:1`);
  });

  needsSshd('refuses an unknown host key under strict checking (the default)', async () => {
    const file = knownHosts('kh_empty', '');
    const error = await firstCommand('alpha', { ansible_ssh_common_args: `-o UserKnownHostsFile=${file}` });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error!.message).toMatch(/host key for alpha .* is not known \(ssh-ed25519 SHA256:/);
    expect(error!.message).toMatch(/StrictHostKeyChecking=accept-new/);
  });

  needsSshd('accept-new records an unknown key, then checks against it', async () => {
    const file = join(harness.dir, 'new', 'kh_accept_new');
    expect(await firstCommand('alpha', { ansible_ssh_common_args: `-o UserKnownHostsFile=${file} -o StrictHostKeyChecking=accept-new` })).toBeUndefined();
    const alpha = harness.host('alpha');
    expect(readFileSync(file, 'utf8')).toBe(`[${alpha.address}]:${alpha.port} ${alpha.hostKey}\n`);
    // Recorded once, and trusted by strict checking afterwards.
    expect(await firstCommand('alpha', { ansible_ssh_common_args: `-o UserKnownHostsFile=${file} -o StrictHostKeyChecking=accept-new` })).toBeUndefined();
    expect(await firstCommand('alpha', { ansible_ssh_common_args: `-o UserKnownHostsFile=${file}` })).toBeUndefined();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  needsSshd('accept-new through the factory option writes the configured known_hosts file', async () => {
    const file = join(harness.dir, 'kh_factory');
    const factory = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir, knownHostsFile: file, hostKeyChecking: 'accept-new' });
    try {
      const vars = { ...harness.hostVars('beta'), ansible_ssh_common_args: '' };
      expect((await (await factory.factory('beta', vars)).exec(['true'])).rc).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain(harness.host('beta').hostKey);
    } finally {
      await factory.closeAll();
    }
  });

  needsSshd('StrictHostKeyChecking=no and host_key_checking=false accept any key, recording nothing', async () => {
    const file = knownHosts('kh_off', '');
    expect(await firstCommand('alpha', { ansible_ssh_common_args: `-o UserKnownHostsFile=${file} -o StrictHostKeyChecking=no` })).toBeUndefined();
    expect(await firstCommand('alpha', { ansible_ssh_common_args: `-o UserKnownHostsFile=${file}`, ansible_host_key_checking: false })).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  needsSshd('reads hashed known_hosts entries', async () => {
    const file = knownHosts('kh_hashed', readFileSync(harness.knownHostsFile, 'utf8'));
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    expect(await firstCommand('alpha', { ansible_ssh_common_args: `-o UserKnownHostsFile=${file}` })).toBeUndefined();
  });
});

describe('authentication', () => {
  needsSshd('says authentication failed for a key the server does not accept', async () => {
    const wrong = join(harness.dir, 'wrong_client_key');
    keygen(wrong, '-t', 'ed25519');
    const error = await firstCommand('alpha', { ansible_ssh_private_key_file: wrong });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error!.message).toMatch(/ssh to alpha \(root@127\.0\.0\.40:\d+\): authentication failed: the server refused every method tried \(publickey \(.*wrong_client_key\)\)/);
  });

  needsSshd('uses PEM and OpenSSH keys with a passphrase, and never shows the passphrase', async () => {
    const passphrase = 'correct horse battery staple';
    const pem = join(harness.dir, 'client_rsa_pem');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', passphrase, '-f', pem], { stdio: 'ignore' });
    const openssh = join(harness.dir, 'client_ed25519_enc');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', openssh], { stdio: 'ignore' });
    appendFileSync(join(harness.dir, 'authorized_keys'), readFileSync(`${pem}.pub`, 'utf8') + readFileSync(`${openssh}.pub`, 'utf8'));
    for (const key of [pem, openssh]) {
      expect(await firstCommand('alpha', { ansible_ssh_private_key_file: key, ansible_ssh_private_key_passphrase: passphrase })).toBeUndefined();
      const missing = await firstCommand('alpha', { ansible_ssh_private_key_file: key });
      expect(missing).toBeInstanceOf(ConnectionError);
      expect(missing!.message).toBe(`private key file ${key} is encrypted: give its passphrase in ansible_ssh_private_key_passphrase`);
      const wrong = await firstCommand('alpha', { ansible_ssh_private_key_file: key, ansible_ssh_private_key_passphrase: 'not the passphrase' });
      expect(wrong!.message).toBe(`private key file ${key} could not be decrypted: the passphrase (ansible_ssh_private_key_passphrase) is wrong`);
    }
    const missingFile = await firstCommand('alpha', { ansible_ssh_private_key_file: join(harness.dir, 'nope') });
    expect(missingFile!.message).toMatch(/cannot read private key file .*nope: no such file/);
  });
});

describe('unreachable servers', () => {
  needsSshd('says connection refused when nothing listens', async () => {
    const beta = harness.host('beta');
    await beta.stop();
    try {
      const error = await firstCommand('beta', {});
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error!.message).toBe(`ssh to beta (root@127.0.0.41:${beta.port}): connect to 127.0.0.41 port ${beta.port}: connection refused`);
    } finally {
      await beta.start();
    }
  });

  needsSshd('times out a server that accepts but never speaks SSH (ansible_timeout)', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.42', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const connection = await ssh.factory('silent', { ...harness.hostVars('alpha'), ansible_host: '127.0.0.42', ansible_port: port, ansible_timeout: 1 });
      const started = Date.now();
      const error = await connection.exec(['true']).then(() => undefined, (e: Error) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error!.message).toBe(`ssh to silent (root@127.0.0.42:${port}): timed out after 1000 ms waiting for the SSH handshake`);
      expect(Date.now() - started).toBeLessThan(3000);
      // An abort (Ctrl-C, a task timeout) does not wait for the login to time out.
      const patient = await ssh.factory('silent', { ...harness.hostVars('alpha'), ansible_host: '127.0.0.42', ansible_port: port, ansible_timeout: 30 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('interrupted')), 200);
      const abortedAt = Date.now();
      await expect(patient.exec(['true'], { signal: controller.signal })).rejects.toThrow('interrupted');
      expect(Date.now() - abortedAt).toBeLessThan(1500);
      await patient.close();
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  needsSshd('refuses a non-loopback address under the loopback guard before any packet', async () => {
    const error = await firstCommand('alpha', { ansible_host: '192.0.2.10' });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error!.message).toMatch(/refusing to connect to address 192\.0\.2\.10: loopback-only mode/);
  });
});
