import { KbrunError } from '../errors/kbrun-error.js';

/** First line of every vault-encrypted text: format version, cipher and key derivation. */
export const VAULT_HEADER = '$KBRUN_VAULT;1.0;AES256-GCM;SCRYPT';

/** Sizes of the binary fields that precede the ciphertext in a vault body. */
export const VAULT_SIZES = { salt: 16, iv: 12, tag: 16 } as const;

const HEADER_PREFIX = '$KBRUN_VAULT;';
const BODY_WIDTH = 80;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const MIN_PAYLOAD = VAULT_SIZES.salt + VAULT_SIZES.iv + VAULT_SIZES.tag;

/** The binary parts of a vault text, as stored after the header. */
export interface VaultParts {
  salt: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** True when `text` is vault-encrypted: it starts with the vault header (after optional whitespace). */
export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(VAULT_HEADER);
}

/** Writes the header and the base64 of salt|iv|tag|ciphertext wrapped at 80 columns; ends with '\n'. */
export function armorVault(parts: VaultParts): string {
  const body = Buffer.concat([parts.salt, parts.iv, parts.tag, parts.ciphertext]).toString('base64');
  const lines = [VAULT_HEADER];
  for (let i = 0; i < body.length; i += BODY_WIDTH) lines.push(body.slice(i, i + BODY_WIDTH));
  return `${lines.join('\n')}\n`;
}

/** Reads a vault text back into its parts; anything malformed is an E_VAULT error naming `source`. */
export function unarmorVault(armored: string, source: string): VaultParts {
  // A YAML plain or folded scalar joins the lines with spaces: the header is the first word, the body all the rest.
  const lines = armored.trim().split(/\r?\n/);
  const [header = '', ...rest] = (lines[0] ?? '').trim().split(/\s+/);
  if (header !== VAULT_HEADER) {
    if (header.startsWith(HEADER_PREFIX)) {
      throw new KbrunError('E_VAULT', `${source} uses an unsupported vault format '${header.slice(0, 80)}'`, {
        hint: `this kbrun reads ${VAULT_HEADER}; it was written by another (newer?) version`,
      });
    }
    throw new KbrunError('E_VAULT', `${source} is not vault-encrypted: its first line is not ${VAULT_HEADER}`, {
      hint: 'encrypt it with `kbrun vault encrypt FILE`, or remove the !vault tag from a plain value',
    });
  }
  lines[0] = rest.join('');
  let body = '';
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\s+/g, '');
    if (!BASE64_LINE.test(line)) {
      throw new KbrunError('E_VAULT', `${source} has corrupted vault data: line ${n + 1} of the vault text is not base64`, {
        hint: 'the file was edited by hand or damaged; restore it from version control',
      });
    }
    body += line;
  }
  if (body.length % 4 !== 0 || /=[^=]/.test(body)) {
    throw new KbrunError('E_VAULT', `${source} has corrupted vault data: the base64 body is truncated or has padding in the middle`, {
      hint: 'the file was edited by hand or damaged; restore it from version control',
    });
  }
  const payload = Buffer.from(body, 'base64');
  if (payload.length < MIN_PAYLOAD) {
    throw new KbrunError('E_VAULT', `${source} has corrupted vault data: ${payload.length} bytes, expected at least ${MIN_PAYLOAD}`, {
      hint: 'the file was truncated; restore it from version control',
    });
  }
  const { salt, iv, tag } = VAULT_SIZES;
  return {
    salt: payload.subarray(0, salt),
    iv: payload.subarray(salt, salt + iv),
    tag: payload.subarray(salt + iv, salt + iv + tag),
    ciphertext: payload.subarray(salt + iv + tag),
  };
}
