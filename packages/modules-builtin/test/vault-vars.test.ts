import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { configureSecrets, processSecrets, readVarsFile } from '@kbrun/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vaultVars } from '../src/index.js';
import { runModule, useTempDir } from './helpers/target.js';

// vault_vars: generated secrets kept in a vault-encrypted vars file on the controller.
const temp = useTempDir();

describe('vault_vars', () => {
  beforeEach(() => configureSecrets({ vaultPasswords: ['a test vault password'] }));
  afterEach(() => configureSecrets({}));

  it('creates the file encrypted (0600), adds what is missing and keeps what it holds', async () => {
    const path = temp.path('group_vars', 'all', 'vault.yml');
    const first = await runModule(vaultVars, { path, vars: { a_password: 'first-a', b_password: 'first-b' } });
    expect(first).toMatchObject({ changed: true, added: ['a_password', 'b_password'], kept: [], replaced: [] });
    expect(readFileSync(path, 'utf8').startsWith('$KBRUN_VAULT;')).toBe(true);
    expect(readFileSync(path, 'utf8')).not.toContain('first-a');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(path);
    const second = await runModule(vaultVars, { path, vars: { a_password: 'other-a', b_password: 'other-b' } });
    expect(second).toMatchObject({ changed: false, added: [], kept: ['a_password', 'b_password'] });
    expect(readFileSync(path).equals(bytes)).toBe(true);
    const third = await runModule(vaultVars, { path, vars: { a_password: 'other-a', c_password: 'third-c' } });
    expect(third).toMatchObject({ changed: true, added: ['c_password'], kept: ['a_password'] });
    expect(await readVarsFile(path)).toEqual({ a_password: 'first-a', b_password: 'first-b', c_password: 'third-c' });
    // Values are never in the result, and every value handled is a known secret.
    expect(JSON.stringify(third)).not.toMatch(/first-|other-|third-/);
    expect(processSecrets().redactor.redact('x first-b y other-a')).not.toMatch(/first-b|other-a/);
  });

  it('keep_existing: false replaces values (a rotation)', async () => {
    const path = temp.path('vault.yml');
    await runModule(vaultVars, { path, vars: { a_password: 'old' } });
    expect(await runModule(vaultVars, { path, vars: { a_password: 'new' }, keep_existing: false })).toMatchObject({ changed: true, replaced: ['a_password'] });
    expect(await readVarsFile(path)).toEqual({ a_password: 'new' });
  });

  it('in check mode says what it would add and writes nothing', async () => {
    const path = temp.path('vault.yml');
    expect(await runModule(vaultVars, { path, vars: { a_password: 'x' } }, { check: true })).toMatchObject({ changed: true, added: ['a_password'] });
    expect(() => statSync(path)).toThrow();
  });

  it('refuses a clear-text file, a run without a vault password and names that are not variables', async () => {
    const path = temp.path('vault.yml');
    writeFileSync(path, 'a_password: clear\n');
    expect(await runModule(vaultVars, { path, vars: { a_password: 'x' } })).toMatchObject({ failed: true, msg: expect.stringContaining('is not vault-encrypted') });
    expect(readFileSync(path, 'utf8')).toBe('a_password: clear\n');
    expect(await runModule(vaultVars, { path: temp.path('other.yml'), vars: { 'not a name': 'x' } })).toMatchObject({ failed: true, msg: 'not variable names: not a name' });
    configureSecrets({});
    expect(await runModule(vaultVars, { path: temp.path('other.yml'), vars: { a_password: 'x' } })).toMatchObject({ failed: true, msg: expect.stringContaining('--vault-password-file') });
  });
});
