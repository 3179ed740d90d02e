import { KbrunError } from '../errors/kbrun-error.js';
import { cannotDecrypt, encryptVault, openVault } from './vault.js';
import { unarmorVault } from './vault-format.js';

const DEFAULT_SOURCE = 'the vault data';

/** The process's vault passwords: set once by the CLI or runPlaybook, read by the YAML loader. */
export class VaultKeyring {
  readonly #passwords: string[] = [];

  constructor(passwords: readonly string[] = []) {
    for (const password of passwords) this.add(password);
  }

  /** How many distinct passwords the keyring holds. */
  get size(): number {
    return this.#passwords.length;
  }

  /** Adds a password (several are allowed, like Ansible's vault ids); duplicates are ignored. */
  add(password: string): void {
    if (typeof password !== 'string' || password.length === 0) {
      throw new KbrunError('E_VAULT', 'the vault password is empty', { hint: 'write the vault password on the first line of the password file' });
    }
    if (!this.#passwords.includes(password)) this.#passwords.push(password);
  }

  /** Encrypts with the first password (the one new vault texts use, like Ansible's default vault id). */
  encrypt(plaintext: string | Buffer): string {
    const [password] = this.#passwords;
    if (password === undefined) {
      throw new KbrunError('E_VAULT', 'cannot encrypt: no vault password was given', { hint: 'pass --vault-password-file FILE or set KBRUN_VAULT_PASSWORD_FILE' });
    }
    return encryptVault(plaintext, password);
  }

  /** Decrypts armored vault text with the first password that opens it; E_VAULT when there is none or none fits. */
  decrypt(armored: string, source: string = DEFAULT_SOURCE): Buffer {
    return this.unlock(armored, source).plaintext;
  }

  /** Like decrypt, also returning the password that opened the text (`kbrun vault edit` re-encrypts with it). */
  unlock(armored: string, source: string = DEFAULT_SOURCE): { plaintext: Buffer; password: string } {
    if (this.#passwords.length === 0) {
      throw new KbrunError('E_VAULT', `${source} is vault-encrypted but no vault password was given`, {
        hint: 'pass --vault-password-file FILE or set KBRUN_VAULT_PASSWORD_FILE',
      });
    }
    const parts = unarmorVault(armored, source);
    for (const password of this.#passwords) {
      const plaintext = openVault(parts, password);
      if (plaintext !== undefined) return { plaintext, password };
    }
    throw cannotDecrypt(source, this.#passwords.length);
  }
}
