import { DEFAULT_SECRET_PATTERNS, Redactor } from './redactor.js';
import { VaultKeyring } from './vault-keyring.js';

/**
 * The vault passwords and the known secrets of this process. The CLI (or a `runPlaybook` caller) sets them once;
 * the YAML loader decrypts with the keyring and adds what it decrypts to the redactor; every output redacts.
 */
export interface ProcessSecrets {
  keyring: VaultKeyring;
  redactor: Redactor;
}

let current: ProcessSecrets = { keyring: new VaultKeyring(), redactor: new Redactor(DEFAULT_SECRET_PATTERNS) };

/** The secrets of this process. */
export function processSecrets(): ProcessSecrets {
  return current;
}

/** Sets the vault passwords and the secret variable-name patterns (secrets already known are kept). */
export function configureSecrets(options: { vaultPasswords?: readonly string[]; patterns?: readonly string[] }): void {
  const keyring = new VaultKeyring(options.vaultPasswords ?? []);
  const redactor = new Redactor(options.patterns ?? DEFAULT_SECRET_PATTERNS);
  current = { keyring, redactor };
}
