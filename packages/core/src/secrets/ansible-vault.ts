import { createCipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** First word of Ansible's vault texts (`$ANSIBLE_VAULT;1.1;AES256`, or 1.2 with a vault id). */
const ANSIBLE_VAULT_PREFIX = '$ANSIBLE_VAULT;';

/** The three keys of Ansible's AES256 vault: PBKDF2-SHA256 (10000 rounds) of the password and salt, 80 bytes cut in three. */
function keys(password: string, salt: Buffer): { cipher: Buffer; hmac: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 10_000, 80, 'sha256');
  return { cipher: derived.subarray(0, 32), hmac: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
}

/** AES-256-CTR (its own inverse). */
function ctr(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/**
 * Encrypts text in Ansible's vault format (AES256: PKCS#7 padding, AES-256-CTR, HMAC-SHA256), as the `vault` filter
 * and `ansible-vault encrypt_string` write it. The same salt gives the same text; `vaultId` other than 'default' makes it version 1.2.
 */
export function encryptAnsibleVault(plaintext: string, password: string, vaultId: string, salt?: string): string {
  if (salt === '') throw new TypeError('Empty or invalid salt passed');
  const saltBytes = salt === undefined ? randomBytes(32) : Buffer.from(salt, 'utf8');
  const k = keys(password, saltBytes);
  const data = Buffer.from(plaintext, 'utf8');
  const pad = 16 - (data.length % 16);
  const ciphertext = ctr(k.cipher, k.iv, Buffer.concat([data, Buffer.alloc(pad, pad)]));
  const mac = createHmac('sha256', k.hmac).update(ciphertext).digest('hex');
  const body = Buffer.from(`${saltBytes.toString('hex')}\n${mac}\n${ciphertext.toString('hex')}`).toString('hex');
  const header = vaultId && vaultId !== 'default' ? `${ANSIBLE_VAULT_PREFIX}1.2;AES256;${vaultId}` : `${ANSIBLE_VAULT_PREFIX}1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  return `${lines.join('\n')}\n`;
}

/** True when a text is in Ansible's vault format. */
export function isAnsibleVaultText(text: string): boolean {
  return text.trimStart().startsWith(ANSIBLE_VAULT_PREFIX);
}

/** Decrypts Ansible's vault text; throws a TypeError when it is malformed or the password is wrong. */
export function decryptAnsibleVault(text: string, password: string): string {
  const [header = '', ...lines] = text.trim().split(/\r?\n/);
  const fields = header.trim().split(';');
  if (fields[0] !== '$ANSIBLE_VAULT' || !['1.1', '1.2'].includes(fields[1] ?? '') || fields[2]?.trim() !== 'AES256') {
    throw new TypeError(`unsupported vault format '${header.slice(0, 60)}': this reads $ANSIBLE_VAULT 1.1/1.2 AES256`);
  }
  const inner = Buffer.from(lines.join('').replace(/\s/g, ''), 'hex').toString('latin1').split('\n');
  if (inner.length !== 3) throw new TypeError('the vault text is corrupted (its body does not have salt, HMAC and ciphertext)');
  const [salt, mac, data] = inner.map((hex) => Buffer.from(hex!, 'hex')) as [Buffer, Buffer, Buffer];
  const k = keys(password, salt);
  const expected = createHmac('sha256', k.hmac).update(data).digest();
  if (expected.length !== mac.length || !timingSafeEqual(expected, mac)) throw new TypeError('Decryption failed (HMAC mismatch): wrong vault password?');
  const padded = ctr(k.cipher, k.iv, data);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > 16) throw new TypeError('the vault text is corrupted (bad padding)');
  return padded.subarray(0, padded.length - pad).toString('utf8');
}
