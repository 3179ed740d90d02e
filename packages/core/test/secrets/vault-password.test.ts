import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KbrunError } from '../../src/errors/kbrun-error.js';
import { readVaultPasswordFile } from '../../src/secrets/vault-password.js';

const dir = mkdtempSync(join(tmpdir(), 'kbrun-vault-password-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function passwordFile(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

function error(path: string): KbrunError {
  try {
    readVaultPasswordFile(path);
  } catch (e) {
    expect(e).toBeInstanceOf(KbrunError);
    return e as KbrunError;
  }
  throw new Error('expected an error');
}

describe('readVaultPasswordFile', () => {
  it('reads a 0600 file without its trailing newline', () => {
    expect(readVaultPasswordFile(passwordFile('ok', 'pa ss word\n', 0o600))).toBe('pa ss word');
    expect(readVaultPasswordFile(passwordFile('crlf', 'pw\r\n', 0o400))).toBe('pw');
    expect(readVaultPasswordFile(passwordFile('inner', ' two\nlines \n', 0o600))).toBe(' two\nlines ');
  });

  it.skipIf(process.platform === 'win32')('refuses a file group or others can read or write, like ssh', () => {
    for (const mode of [0o644, 0o640, 0o602, 0o660]) {
      const path = passwordFile(`open-${mode.toString(8)}`, 'secret-pw\n', mode);
      const e = error(path);
      expect(e.code).toBe('E_VAULT');
      expect(e.message).toBe(`vault password file ${path} is accessible by group or others (mode 0${mode.toString(8)})`);
      expect(e.hint).toBe(`chmod 600 ${path}`);
      expect(e.render()).not.toContain('secret-pw');
    }
  });

  it('a missing file, a directory and an empty file are E_VAULT', () => {
    const missing = error(join(dir, 'nope'));
    expect(missing.code).toBe('E_VAULT');
    expect(missing.message).toContain('does not exist');
    expect(missing.hint).toContain('--vault-password-file');
    expect(error(dir).code).toBe('E_VAULT');
    expect(error(passwordFile('empty', '', 0o600)).message).toContain('is empty');
    expect(error(passwordFile('newline', '\n\n', 0o600)).message).toContain('is empty');
  });
});
