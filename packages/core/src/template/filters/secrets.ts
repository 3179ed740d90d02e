import { randomInt } from 'node:crypto';
import { arg } from '../../expr/params.js';
import { pyStr } from '../../expr/py-string.js';
import { typeName } from '../../expr/values.js';
import { decryptAnsibleVault, encryptAnsibleVault, isAnsibleVaultText } from '../../secrets/ansible-vault.js';
import { bcrypt } from '../../secrets/bcrypt.js';
import { CRYPT_ALPHABET, md5Crypt, shaCrypt } from '../../secrets/unix-crypt.js';
import { decryptVault, isVaultText } from '../../secrets/vault.js';
import { ansible, type FilterSpec } from './spec.js';

/** Ansible's short names for the password_hash schemes. */
const SCHEME_ALIASES: Readonly<Record<string, string>> = { md5: 'md5_crypt', blowfish: 'bcrypt', sha256: 'sha256_crypt', sha512: 'sha512_crypt' };

/** The schemes kbrun implements: salt size (at most, or exactly for bcrypt) and default rounds as Ansible (passlib) uses them. */
const SCHEMES: Readonly<Record<string, { saltSize: number; rounds: number | null }>> = {
  md5_crypt: { saltSize: 8, rounds: null },
  sha256_crypt: { saltSize: 16, rounds: 535_000 },
  sha512_crypt: { saltSize: 16, rounds: 656_000 },
  bcrypt: { saltSize: 22, rounds: 12 },
};

function randomSalt(size: number): string {
  let out = '';
  for (let i = 0; i < size; i++) out += CRYPT_ALPHABET[randomInt(CRYPT_ALPHABET.length)];
  return out;
}

/** A crypt(3)-style password hash, as Ansible's password_hash filter (and the password lookup's `encrypt`) makes it with passlib. */
export function passwordHash(password: string, hashtype: string, saltArg: unknown, saltSizeArg: unknown, roundsArg: unknown, identArg: unknown): string {
  const scheme = Object.hasOwn(SCHEME_ALIASES, hashtype) ? SCHEME_ALIASES[hashtype]! : hashtype;
  const spec = Object.hasOwn(SCHEMES, scheme) ? SCHEMES[scheme]! : undefined;
  if (!spec) {
    throw new TypeError(
      `password_hash: kbrun implements ${Object.keys(SCHEMES).join(', ')} (and their names md5, sha256, sha512, blowfish); '${hashtype}' is not one of them (passlib's other schemes are not available)`,
    );
  }
  const saltSize = saltSizeArg === null ? spec.saltSize : Number(saltSizeArg);
  const salt = saltArg === null || saltArg === '' ? randomSalt(scheme === 'bcrypt' ? 22 : saltSize) : pyStr(saltArg);
  if (!/^[./0-9A-Za-z]*$/.test(salt)) throw new TypeError(`invalid characters in ${scheme} salt: use ./0-9A-Za-z`);
  if (scheme !== 'bcrypt' && salt.length > spec.saltSize) throw new TypeError(`salt too large (${scheme} requires <= ${spec.saltSize} chars)`);
  const rounds = roundsArg === null || roundsArg === 0 ? spec.rounds : Number(roundsArg);
  if (scheme === 'md5_crypt') return md5Crypt(password, salt);
  if (scheme === 'bcrypt') return bcrypt(password, salt, rounds!, identArg === null ? '2b' : pyStr(identArg));
  if (!Number.isInteger(rounds) || rounds! < 1000 || rounds! > 999_999_999) throw new RangeError(`${scheme} rounds must be between 1000 and 999999999, got ${pyStr(roundsArg)}`);
  return shaCrypt(password, salt, rounds!, scheme === 'sha512_crypt' ? 512 : 256);
}

function secretText(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} is required to be a string, instead we got: ${typeName(value)}`);
  return value;
}

/** Password hashes and vault encryption of single values. */
export const SECRET_FILTERS: Readonly<Record<string, FilterSpec>> = {
  password_hash: ansible('A crypt(3) hash of the password for /etc/shadow: `hashtype` sha512 (default), sha256, md5 or blowfish (bcrypt); `salt`, `rounds`, `ident`.', (v, a, k) =>
    passwordHash(
      pyStr(v),
      pyStr(arg(a, k, 0, 'hashtype', 'sha512')),
      arg(a, k, 1, 'salt', null),
      arg(a, k, 2, 'salt_size', null),
      arg(a, k, 3, 'rounds', null),
      arg(a, k, 4, 'ident', null),
    ),
  ),
  vault: ansible("The text encrypted with the `secret` in Ansible's vault format ($ANSIBLE_VAULT AES256); `salt`, `vaultid` (filter_default).", (v, a, k) => {
    const salt = arg(a, k, 1, 'salt', null);
    return encryptAnsibleVault(secretText(v, 'the value to vault'), secretText(arg(a, k, 0, 'secret'), 'the secret'), pyStr(arg(a, k, 2, 'vaultid', 'filter_default')), salt === null ? undefined : pyStr(salt));
  }),
  unvault: ansible("Vault-encrypted text ($ANSIBLE_VAULT or kbrun's vault) decrypted with the `secret`; other text as it is.", (v, a, k) => {
    const text = secretText(v, 'the vault');
    const secret = secretText(arg(a, k, 0, 'secret'), 'the secret');
    if (isAnsibleVaultText(text)) return decryptAnsibleVault(text, secret);
    if (isVaultText(text)) return decryptVault(text, secret, 'the unvault filter').toString('utf8');
    return text;
  }),
};
