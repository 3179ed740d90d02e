import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { KbrunError } from '../errors/kbrun-error.js';
import { armorVault, unarmorVault, VAULT_HEADER, VAULT_SIZES, type VaultParts } from './vault-format.js';

export { VAULT_HEADER, isVaultText } from './vault-format.js';

/** scrypt cost: N=2^15, r=8, p=1 needs 128·N·r = 32 MiB, so maxmem is raised above Node's 32 MiB default. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;
const CIPHER = 'aes-256-gcm';
/** The header is authenticated too, so a ciphertext can't be relabelled as another format. */
const AAD = Buffer.from(VAULT_HEADER, 'utf8');
const DEFAULT_SOURCE = 'the vault data';

/** Derived keys by (password, salt): re-reading the same vault text costs no second scrypt run. */
const keyCache = new Map<string, Buffer>();
const KEY_CACHE_LIMIT = 256;

function deriveKey(password: string, salt: Buffer): Buffer {
  // The cache key holds a hash of the password, never the password itself.
  const id = `${createHash('sha256').update(password, 'utf8').digest('hex')}:${salt.toString('hex')}`;
  const cached = keyCache.get(id);
  if (cached) return cached;
  const key = scryptSync(password, salt, KEY_LENGTH, SCRYPT);
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, key);
  return key;
}

function checkPassword(password: unknown): asserts password is string {
  if (typeof password !== 'string' || password.length === 0) {
    throw new KbrunError('E_VAULT', 'the vault password is empty', { hint: 'put the password in a file and pass --vault-password-file FILE' });
  }
}

/** Encrypts `plaintext` with a key derived from `password`; returns the armored text (header + base64), ending with '\n'. */
export function encryptVault(plaintext: string | Buffer, password: string): string {
  checkPassword(password);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const salt = randomBytes(VAULT_SIZES.salt);
  const iv = randomBytes(VAULT_SIZES.iv);
  const cipher = createCipheriv(CIPHER, deriveKey(password, salt), iv, { authTagLength: VAULT_SIZES.tag });
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  return armorVault({ salt, iv, tag: cipher.getAuthTag(), ciphertext });
}

/** Decrypts parsed vault parts with one password; undefined when the password is wrong or the data was altered. */
export function openVault(parts: VaultParts, password: string): Buffer | undefined {
  const decipher = createDecipheriv(CIPHER, deriveKey(password, parts.salt), parts.iv, { authTagLength: VAULT_SIZES.tag });
  decipher.setAAD(AAD);
  decipher.setAuthTag(parts.tag);
  try {
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** The E_VAULT error for a vault text that no password opened (never names the password). */
export function cannotDecrypt(source: string, tried: number): KbrunError {
  const which = tried > 1 ? `none of the ${tried} vault passwords opens it` : 'check that the vault password file is the one it was encrypted with';
  return new KbrunError('E_VAULT', `cannot decrypt ${source}: wrong vault password or corrupted data`, {
    hint: `${which}; if it is, the vault text was changed or truncated: restore it from version control`,
  });
}

/** Decrypts armored vault text with `password`; a wrong password, altered or malformed data is an E_VAULT error naming `source`. */
export function decryptVault(armored: string, password: string, source: string = DEFAULT_SOURCE): Buffer {
  checkPassword(password);
  const plaintext = openVault(unarmorVault(armored, source), password);
  if (plaintext === undefined) throw cannotDecrypt(source, 1);
  return plaintext;
}
