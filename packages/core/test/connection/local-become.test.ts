// Local `become` with a password: the password goes to sudo only when sudo prompts for it, never into the
// command's stdin (a written file, `cat`'s output) when sudo does not ask (root, NOPASSWD, cached credentials).
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requires } from '../../../../test/helpers/prerequisite.js';
import { withBecome } from '../../src/connection/become.js';
import type { Connection } from '../../src/connection/connection.js';
import { LocalConnection } from '../../src/connection/local-connection.js';

const PASSWORD = 'sudo-pw-never-shown-7Q2';
const dir = mkdtempSync(join(tmpdir(), 'kbrun-local-become-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rootSudoMissing =
  process.getuid?.() !== 0 ? 'sudo without a prompt needs the tests to run as root' : !existsSync('/usr/bin/sudo') ? '/usr/bin/sudo is not installed (apt-get install sudo)' : undefined;

/** A connection that becomes root with a password through whatever `sudo` the PATH in `env` finds. */
function asRoot(password: string, env?: Record<string, string>) {
  const local = new LocalConnection();
  const connection: Connection = env
    ? { kind: 'local', exec: (command, options = {}) => local.exec(command, { ...options, env }), put: (path, data, options) => local.put(path, data, options), get: (path) => local.get(path), openTcp: (host, port, options) => local.openTcp(host, port, options), close: () => local.close() }
    : local;
  return withBecome(connection, { method: 'sudo', user: 'root', password });
}

describe('local become, sudo that does not prompt (root)', () => {
  requires(rootSudoMissing)('never writes the password into a put file or a command\'s stdin', async () => {
    const connection = asRoot(PASSWORD);
    const path = join(dir, 'root', 'secret.txt');
    await connection.put(path, 'the content\n', { mode: 0o600 });
    expect(readFileSync(path, 'utf8')).toBe('the content\n');
    expect(await connection.exec('cat', { stdin: 'given on stdin\n' })).toEqual({ rc: 0, stdout: 'given on stdin\n', stderr: '' });
    expect(await connection.exec(['id', '-un'])).toEqual({ rc: 0, stdout: 'root\n', stderr: '' });
    expect((await connection.get(path))?.toString()).toBe('the content\n');
  });
});

// A stand-in for sudo that prompts the way sudo -S -p does: the prompt on stderr, one password line read from stdin,
// "Sorry, try again." and a second prompt when it is wrong, then the command. FAKE_SUDO_LOG records what it read.
const FAKE_SUDO = `#!/bin/sh
prompt=''
while [ $# -gt 0 ]; do
  case "$1" in
    -p) prompt=$2; shift 2 ;;
    -u) shift 2 ;;
    --) shift; break ;;
    *) shift ;;
  esac
done
tries=0
while :; do
  printf '%s' "$prompt" >&2
  IFS= read -r answer || { echo "sudo: no password was provided" >&2; exit 1; }
  printf '%s\\n' "$answer" >> "$FAKE_SUDO_LOG"
  [ "$answer" = "$FAKE_SUDO_PASSWORD" ] && break
  tries=$((tries + 1))
  echo "Sorry, try again." >&2
  [ $tries -ge 3 ] && { echo "sudo: 3 incorrect password attempts" >&2; exit 1; }
done
exec "$@"
`;

function fakeSudo(): { env: Record<string, string>; log: string } {
  const bin = mkdtempSync(join(dir, 'bin-'));
  writeFileSync(join(bin, 'sudo'), FAKE_SUDO);
  chmodSync(join(bin, 'sudo'), 0o755);
  const log = join(bin, 'read.log');
  writeFileSync(log, '');
  return { env: { PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, FAKE_SUDO_PASSWORD: PASSWORD, FAKE_SUDO_LOG: log }, log };
}

describe('local become, sudo that prompts', () => {
  it('answers the prompt with the password, then gives the command its own stdin', async () => {
    const { env, log } = fakeSudo();
    const connection = asRoot(PASSWORD, env);
    const result = await connection.exec('cat', { stdin: 'given on stdin\n' });
    expect(result).toEqual({ rc: 0, stdout: 'given on stdin\n', stderr: '' });
    const path = join(dir, 'prompted', 'file.txt');
    await connection.put(path, 'the content\n', { mode: 0o600 });
    expect(readFileSync(path, 'utf8')).toBe('the content\n');
    expect(readFileSync(log, 'utf8')).toBe(`${PASSWORD}\n${PASSWORD}\n`);
  });

  it('gives up after a wrong password: a clear failure, the command\'s stdin never read as a second try', async () => {
    const { env, log } = fakeSudo();
    const result = await asRoot('wrong-password-123', env).exec('cat', { stdin: 'not a password\n' });
    expect(result).toEqual({ rc: 1, stdout: '', stderr: 'become (sudo) failed: incorrect sudo password: check ansible_become_password\n' });
    expect(readFileSync(log, 'utf8')).toBe('wrong-password-123\n');
  });
});
