import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KbrunError } from '../../src/errors/kbrun-error.js';
import { decryptVault, encryptVault, isVaultText, VAULT_HEADER } from '../../src/secrets/vault.js';

const PASSWORD = 'correct horse battery staple';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): KbrunError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KbrunError);
    return error as KbrunError;
  }
  throw new Error('expected an error');
}

/** Decodes the body of an armored text, lets `change` alter the bytes, and armors it again. */
function tamper(armored: string, change: (payload: Buffer) => void): string {
  const [header, ...body] = armored.trimEnd().split('\n');
  const payload = Buffer.from(body.join(''), 'base64');
  change(payload);
  return `${header}\n${payload.toString('base64')}\n`;
}

describe('encryptVault / decryptVault', () => {
  it('round-trips text, unicode, empty and binary data', () => {
    for (const text of ['db_password: hunter2\n', 'héllo wörld ✓ 🔐 日本語', '']) {
      const armored = encryptVault(text, PASSWORD);
      expect(decryptVault(armored, PASSWORD).toString('utf8')).toBe(text);
    }
    const binary = randomBytes(4096);
    expect(decryptVault(encryptVault(binary, PASSWORD), PASSWORD).equals(binary)).toBe(true);
  });

  it('writes the header, then base64 wrapped at 80 columns, ending with a newline (1 MB)', () => {
    const big = randomBytes(1 << 20);
    const armored = encryptVault(big, PASSWORD);
    const lines = armored.split('\n');
    expect(lines[0]).toBe(VAULT_HEADER);
    expect(armored.endsWith('\n')).toBe(true);
    expect(lines.at(-1)).toBe('');
    for (const line of lines.slice(1, -2)) expect(line).toMatch(/^[A-Za-z0-9+/]{80}$/);
    expect(lines.at(-2)!.length).toBeLessThanOrEqual(80);
    expect(decryptVault(armored, PASSWORD).equals(big)).toBe(true);
  });

  it('uses a fresh salt and IV each time', () => {
    expect(encryptVault('same', PASSWORD)).not.toBe(encryptVault('same', PASSWORD));
  });

  it('accepts indentation, CRLF and surrounding blank lines (values cut from YAML)', () => {
    const armored = encryptVault('indented', PASSWORD);
    const indented = `\n${armored.split('\n').map((l) => `    ${l}`).join('\r\n')}\n\n`;
    expect(isVaultText(indented)).toBe(true);
    expect(decryptVault(indented, PASSWORD).toString()).toBe('indented');
  });

  it('accepts the lines joined by spaces (a YAML plain or folded scalar)', () => {
    const armored = encryptVault(randomBytes(300), PASSWORD);
    const joined = armored.trimEnd().split('\n').join(' ');
    expect(decryptVault(joined, PASSWORD).length).toBe(300);
  });

  it('a wrong password is E_VAULT naming the source, never the password or the plaintext', () => {
    const armored = encryptVault('the plaintext secret', PASSWORD);
    const error = thrown(() => decryptVault(armored, 'not-the-password', 'group_vars/all/vault.yml'));
    expect(error.code).toBe('E_VAULT');
    expect(error.message).toBe('cannot decrypt group_vars/all/vault.yml: wrong vault password or corrupted data');
    expect(error.hint).toBeTruthy();
    for (const secret of ['not-the-password', PASSWORD, 'plaintext secret']) expect(error.render()).not.toContain(secret);
  });

  it('an empty password is refused', () => {
    expect(thrown(() => encryptVault('x', '')).code).toBe('E_VAULT');
    expect(thrown(() => decryptVault(encryptVault('x', PASSWORD), '')).code).toBe('E_VAULT');
  });

  it('a flipped byte anywhere (salt, iv, tag, ciphertext) is detected', () => {
    const armored = encryptVault('do not touch', PASSWORD);
    for (const offset of [0, 16, 28, 44, -1]) {
      const altered = tamper(armored, (p) => {
        const i = offset < 0 ? p.length + offset : offset;
        p[i] = p[i]! ^ 0x01;
      });
      const error = thrown(() => decryptVault(altered, PASSWORD, 'vault.yml'));
      expect(error.code).toBe('E_VAULT');
      expect(error.message).toContain('wrong vault password or corrupted data');
    }
  });

  it('a changed header is refused: another version, or no header at all', () => {
    const armored = encryptVault('x', PASSWORD);
    const otherVersion = armored.replace('1.0', '2.0');
    expect(thrown(() => decryptVault(otherVersion, PASSWORD, 'v.yml')).message).toContain('unsupported vault format');
    const plain = thrown(() => decryptVault('just: yaml\n', PASSWORD, 'v.yml'));
    expect(plain.code).toBe('E_VAULT');
    expect(plain.message).toBe(`v.yml is not vault-encrypted: its first line is not ${VAULT_HEADER}`);
  });

  it('malformed base64 and truncated data are E_VAULT with a clear message', () => {
    const armored = encryptVault('x', PASSWORD);
    const badChar = armored.replace(/\n(.)/, '\n*');
    expect(thrown(() => decryptVault(badChar, PASSWORD, 'v.yml')).message).toBe('v.yml has corrupted vault data: line 2 of the vault text is not base64');
    const cut = armored.slice(0, armored.length - 10);
    expect(thrown(() => decryptVault(cut, PASSWORD, 'v.yml')).message).toContain('corrupted vault data');
    const short = `${VAULT_HEADER}\nAAAA\n`;
    expect(thrown(() => decryptVault(short, PASSWORD, 'v.yml')).message).toBe('v.yml has corrupted vault data: 3 bytes, expected at least 44');
    expect(thrown(() => decryptVault(`${VAULT_HEADER}\n`, PASSWORD, 'v.yml')).message).toContain('0 bytes');
  });
});

describe('isVaultText', () => {
  it('recognises the header after optional whitespace only', () => {
    expect(isVaultText(`${VAULT_HEADER}\nAAAA`)).toBe(true);
    expect(isVaultText(`  \n\t${VAULT_HEADER}\n`)).toBe(true);
    expect(isVaultText(`x: ${VAULT_HEADER}`)).toBe(false);
    expect(isVaultText('$ANSIBLE_VAULT;1.1;AES256\n')).toBe(false);
    expect(isVaultText('')).toBe(false);
  });
});
