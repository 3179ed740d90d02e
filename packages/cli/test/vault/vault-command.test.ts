import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decryptVault, encryptVault, VAULT_HEADER } from '@kbrun/core';
import { runVaultCommand } from '../../src/vault-command.js';

const PASSWORD = 'cli-test-password';
const root = mkdtempSync(join(tmpdir(), 'kbrun-vault-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const passwordFile = join(root, 'vault-pass');
writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
chmodSync(passwordFile, 0o600);

let dir: string;
let counter = 0;
beforeEach(() => {
  counter++;
  dir = mkdtempSync(join(root, 'case-'));
});

/** Runs `kbrun vault …args` and captures what it prints. */
async function vault(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runVaultCommand(args, {
    env: options.env ?? { PATH: process.env.PATH, KBRUN_VAULT_PASSWORD_FILE: passwordFile },
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
  });
  return { code, stdout, stderr };
}

function file(name: string, content: string, mode = 0o640): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

const SECRETS = 'db_password: hunter2-long\napi_token: abcdef123456\n';

describe('kbrun vault encrypt / view / decrypt', () => {
  it('round-trips a file in place: encrypt keeps its mode, decrypt makes the clear text 0600', async () => {
    const path = file('secrets.yml', SECRETS);
    expect(await vault(['encrypt', path])).toEqual({ code: 0, stdout: '', stderr: '' });
    const encrypted = readFileSync(path, 'utf8');
    expect(encrypted.startsWith(`${VAULT_HEADER}\n`)).toBe(true);
    expect(encrypted).not.toContain('hunter2');
    expect(statSync(path).mode & 0o777).toBe(0o640);

    expect(await vault(['view', path])).toEqual({ code: 0, stdout: SECRETS, stderr: '' });

    expect((await vault(['decrypt', path])).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(SECRETS);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('decrypts a 0644 vault file, in place or into an existing 0644 --output, as 0600', async () => {
    const path = file('open.yml', encryptVault(SECRETS, PASSWORD), 0o644);
    expect((await vault(['decrypt', path])).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(SECRETS);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const input = file('open-again.yml', encryptVault(SECRETS, PASSWORD), 0o644);
    const out = file('existing-output.yml', 'old\n', 0o644);
    expect((await vault(['decrypt', input, '--output', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(SECRETS);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(input).mode & 0o777).toBe(0o644);
  });

  it('writes to --output, leaving the input alone; decrypt --output - prints', async () => {
    const path = file('plain.yml', SECRETS);
    const out = join(root, `out-${counter}.yml`);
    expect((await vault(['encrypt', path, '--output', out, '--vault-password-file', passwordFile], { env: {} })).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(SECRETS);
    expect(decryptVault(readFileSync(out, 'utf8'), PASSWORD).toString()).toBe(SECRETS);
    expect(await vault(['decrypt', out, '--output', '-'])).toEqual({ code: 0, stdout: SECRETS, stderr: '' });
    expect(readFileSync(out, 'utf8').startsWith(VAULT_HEADER)).toBe(true);
  });

  it('refuses to encrypt twice and to decrypt a plain file (exit 1, file unchanged)', async () => {
    const path = file('twice.yml', SECRETS);
    await vault(['encrypt', path]);
    const once = readFileSync(path, 'utf8');
    const again = await vault(['encrypt', path]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`E_VAULT ${path} is already vault-encrypted`);
    expect(readFileSync(path, 'utf8')).toBe(once);

    const plain = file('plain.yml', SECRETS);
    const result = await vault(['decrypt', plain]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${plain} is not vault-encrypted`);
    expect(readFileSync(plain, 'utf8')).toBe(SECRETS);
  });

  it('through a symlink, encrypts the file it points to and keeps the link', async () => {
    const target = file('target.yml', SECRETS);
    const link = join(dir, 'link.yml');
    symlinkSync(target, link);
    expect((await vault(['encrypt', link])).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(decryptVault(readFileSync(target, 'utf8'), PASSWORD).toString()).toBe(SECRETS);
  });

  it('checks every file before changing any', async () => {
    const a = file('a.yml', 'a: 1\n');
    const b = file('b.yml', encryptVault('b: 2\n', PASSWORD));
    expect((await vault(['encrypt', a, b])).code).toBe(1);
    expect(readFileSync(a, 'utf8')).toBe('a: 1\n');
  });

  it('a wrong password is exit 1 without the password or the plaintext in the output', async () => {
    const path = file('other.yml', encryptVault(SECRETS, 'some-other-password'));
    const result = await vault(['view', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot decrypt ${path}: wrong vault password or corrupted data`);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/some-other-password|cli-test-password|hunter2/);
  });

  it('no password is exit 1 with the way to give one; a world-readable password file is refused', async () => {
    const path = file('x.yml', SECRETS);
    const none = await vault(['encrypt', path], { env: {} });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('hint: pass --vault-password-file FILE or set KBRUN_VAULT_PASSWORD_FILE');
    const open = join(root, `open-pass-${counter}`);
    writeFileSync(open, 'pw\n');
    chmodSync(open, 0o644);
    const refused = await vault(['encrypt', path, '--vault-password-file', open]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`hint: chmod 600 ${open}`);
    expect(readFileSync(path, 'utf8')).toBe(SECRETS);
  });

  it('decrypts with any of several password files', async () => {
    const second = join(root, `second-pass-${counter}`);
    writeFileSync(second, 'second-password', { mode: 0o600 });
    const path = file('second.yml', encryptVault('from the second\n', 'second-password'));
    const result = await vault(['view', path, '--vault-password-file', passwordFile, '--vault-password-file', second]);
    expect(result).toEqual({ code: 0, stdout: 'from the second\n', stderr: '' });
  });
});

describe('kbrun vault encrypt-string', () => {
  it('prints a YAML entry whose !vault value decrypts to stdin (trailing newline dropped)', async () => {
    const result = await vault(['encrypt-string', 'db_password'], { stdin: 'p@ss "wörd"\n' });
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('db_password: !vault |\n  $KBRUN_VAULT;1.0;AES256-GCM;SCRYPT\n')).toBe(true);
    const doc = parse(result.stdout, { customTags: [{ tag: '!vault', resolve: (s: string) => s }] }) as Record<string, string>;
    expect(decryptVault(doc.db_password!, PASSWORD).toString()).toBe('p@ss "wörd"');
  });

  it('the entry also parses as a plain scalar (no |), the loader can decrypt that too', async () => {
    const result = await vault(['encrypt-string', 'api_token'], { stdin: 'tok-1234' });
    const plain = result.stdout.replace(' !vault |', ' !vault');
    const doc = parse(plain, { customTags: [{ tag: '!vault', resolve: (s: string) => s }] }) as Record<string, string>;
    expect(doc.api_token).not.toContain('\n');
    expect(decryptVault(doc.api_token!, PASSWORD).toString()).toBe('tok-1234');
  });

  it('refuses empty input and a name that is not a variable', async () => {
    expect((await vault(['encrypt-string', 'x'], { stdin: '' })).code).toBe(1);
    expect((await vault(['encrypt-string', 'not a name'], { stdin: 'v' })).code).toBe(5);
  });
});

describe('kbrun vault edit', () => {
  /** An EDITOR script: records the file it was given, then runs `body`. */
  function editor(body: string): string {
    const script = join(root, `editor-${counter}.sh`);
    writeFileSync(script, `#!/bin/sh\necho "$1" > "${script}.path"\n${body}\n`);
    chmodSync(script, 0o755);
    return script;
  }
  const env = (script: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, EDITOR: script, KBRUN_VAULT_PASSWORD_FILE: passwordFile });

  it('re-encrypts the edited content and leaves no plaintext behind', async () => {
    const path = file('edit.yml', encryptVault(SECRETS, PASSWORD), 0o600);
    const script = editor('echo "new_secret: added-by-editor" >> "$1"');
    expect(await vault(['edit', path], { env: env(script) })).toEqual({ code: 0, stdout: '', stderr: '' });
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(VAULT_HEADER)).toBe(true);
    expect(text).not.toContain('added-by-editor');
    expect(decryptVault(text, PASSWORD).toString()).toBe(`${SECRETS}new_secret: added-by-editor\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const scratch = readFileSync(`${script}.path`, 'utf8').trim();
    expect(scratch).not.toBe(path);
    expect(existsSync(scratch)).toBe(false);
    expect(existsSync(join(scratch, '..'))).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('gives the editor a private 0600 file in a 0700 directory', async () => {
    const path = file('private.yml', encryptVault(SECRETS, PASSWORD));
    const script = editor('stat -c %a "$1" > "$0.mode"; stat -c %a "$(dirname "$1")" >> "$0.mode"');
    expect((await vault(['edit', path], { env: env(script) })).code).toBe(0);
    expect(readFileSync(`${script}.mode`, 'utf8').split('\n').slice(0, 2)).toEqual(['600', '700']);
  });

  it('leaves the file byte for byte when nothing changed', async () => {
    const path = file('same.yml', encryptVault(SECRETS, PASSWORD));
    const before = readFileSync(path, 'utf8');
    expect((await vault(['edit', path], { env: env(editor('true')) })).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('a failing editor is exit 1: the file is unchanged and the temp file is gone', async () => {
    const path = file('fail.yml', encryptVault(SECRETS, PASSWORD));
    const before = readFileSync(path, 'utf8');
    const script = editor('echo "half edit" >> "$1"; exit 3');
    const result = await vault(['edit', path], { env: env(script) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('exited with code 3');
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(existsSync(readFileSync(`${script}.path`, 'utf8').trim())).toBe(false);
  });

  it('re-encrypts with the password that opened the file', async () => {
    const second = join(root, `edit-second-${counter}`);
    writeFileSync(second, 'edit-second-password', { mode: 0o600 });
    const path = file('second.yml', encryptVault('a: 1\n', 'edit-second-password'));
    const script = editor('echo "b: 2" >> "$1"');
    const result = await vault(['edit', path, '--vault-password-file', passwordFile, '--vault-password-file', second], { env: env(script) });
    expect(result.code).toBe(0);
    expect(decryptVault(readFileSync(path, 'utf8'), 'edit-second-password').toString()).toBe('a: 1\nb: 2\n');
  });
});

describe('kbrun vault usage', () => {
  it('bad usage is exit 5 with the usage text', async () => {
    for (const args of [[], ['frobnicate', 'x'], ['encrypt'], ['view', 'x', '--bogus'], ['edit', 'a', 'b'], ['view', 'a', '--output', 'b'], ['encrypt', 'a', 'b', '--output', 'c']]) {
      const result = await vault(args);
      expect(result.code, args.join(' ')).toBe(5);
      expect(result.stderr).toContain('usage: kbrun vault');
    }
  });

  it('--help is exit 0', async () => {
    const result = await vault(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('encrypt-string NAME');
  });

  it('a missing file is exit 1', async () => {
    const result = await vault(['view', join(root, 'missing.yml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read');
  });
});
