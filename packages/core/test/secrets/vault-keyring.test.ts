import { describe, expect, it } from 'vitest';
import { KbrunError } from '../../src/errors/kbrun-error.js';
import { decryptVault, encryptVault } from '../../src/secrets/vault.js';
import { VaultKeyring } from '../../src/secrets/vault-keyring.js';

function thrown(fn: () => unknown): KbrunError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KbrunError);
    return error as KbrunError;
  }
  throw new Error('expected an error');
}

describe('VaultKeyring', () => {
  const prod = encryptVault('prod secret', 'prod-pw');
  const dev = encryptVault('dev secret', 'dev-pw');

  it('tries each password (several vault ids)', () => {
    const keyring = new VaultKeyring(['dev-pw', 'prod-pw']);
    expect(keyring.size).toBe(2);
    expect(keyring.decrypt(prod).toString()).toBe('prod secret');
    expect(keyring.decrypt(dev).toString()).toBe('dev secret');
    expect(keyring.unlock(prod).password).toBe('prod-pw');
  });

  it('without a password: E_VAULT telling how to give one', () => {
    const error = thrown(() => new VaultKeyring().decrypt(prod, 'group_vars/prod.yml'));
    expect(error.code).toBe('E_VAULT');
    expect(error.message).toBe('group_vars/prod.yml is vault-encrypted but no vault password was given');
    expect(error.hint).toBe('pass --vault-password-file FILE or set KBRUN_VAULT_PASSWORD_FILE');
  });

  it('when no password fits: E_VAULT that names neither password', () => {
    const error = thrown(() => new VaultKeyring(['a-wrong-one', 'another-wrong']).decrypt(prod, 'prod.yml'));
    expect(error.message).toBe('cannot decrypt prod.yml: wrong vault password or corrupted data');
    expect(error.hint).toContain('none of the 2 vault passwords');
    expect(error.render()).not.toMatch(/wrong-one|another-wrong|prod secret/);
  });

  it('malformed text fails before any password is tried', () => {
    expect(thrown(() => new VaultKeyring(['x-pw']).decrypt('plain: text', 'f.yml')).message).toContain('is not vault-encrypted');
  });

  it('ignores duplicates, refuses empty passwords, encrypts with the first', () => {
    const keyring = new VaultKeyring(['first-pw']);
    keyring.add('second-pw');
    keyring.add('first-pw');
    expect(keyring.size).toBe(2);
    expect(thrown(() => keyring.add('')).code).toBe('E_VAULT');
    expect(decryptVault(keyring.encrypt('new'), 'first-pw').toString()).toBe('new');
    expect(thrown(() => new VaultKeyring().encrypt('x')).code).toBe('E_VAULT');
  });

  it('re-decrypting the same text reuses the derived key', () => {
    const keyring = new VaultKeyring(['dev-pw']);
    keyring.decrypt(dev);
    const start = performance.now();
    for (let i = 0; i < 50; i++) keyring.decrypt(dev);
    // 50 scrypt runs would take seconds; cached keys take well under one.
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
