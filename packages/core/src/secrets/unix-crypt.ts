import { createHash } from 'node:crypto';

/** The alphabet of crypt(3)'s base-64 encoding. */
export const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** crypt(3)'s encoding: groups of three bytes (in a scheme-specific order) written as 4 characters, low bits first. */
function encode(bytes: Buffer, groups: ReadonlyArray<readonly [number, number, number, number]>): string {
  let out = '';
  for (const [a, b, c, n] of groups) {
    let w = ((a < 0 ? 0 : bytes[a]!) << 16) | ((b < 0 ? 0 : bytes[b]!) << 8) | bytes[c]!;
    for (let i = 0; i < n; i++) {
      out += CRYPT_ALPHABET[w & 0x3f];
      w >>>= 6;
    }
  }
  return out;
}

/** The byte groups of SHA-crypt's encoding: (i, i+k, i+2k) rotated by i mod 3, then the leftover bytes. */
function shaGroups(size: 32 | 64): Array<[number, number, number, number]> {
  const k = size === 64 ? 21 : 10;
  const groups: Array<[number, number, number, number]> = [];
  for (let i = 0; i < k; i++) {
    const t: [number, number, number] = [i, i + k, i + 2 * k];
    const r = size === 64 ? i % 3 : (3 - (i % 3)) % 3;
    groups.push([t[r % 3]!, t[(r + 1) % 3]!, t[(r + 2) % 3]!, 4]);
  }
  groups.push(size === 64 ? [-1, -1, 63, 2] : [-1, 31, 30, 3]);
  return groups;
}

/** `length` bytes of `block` repeated. */
function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

/**
 * SHA-crypt (Ulrich Drepper's specification): `$5$` (SHA-256) or `$6$` (SHA-512), the salt (16 characters at most)
 * and `rounds=N` unless it is the specified default of 5000.
 */
export function shaCrypt(password: string, salt: string, rounds: number, bits: 256 | 512): string {
  const algorithm = bits === 512 ? 'sha512' : 'sha256';
  const hash = (...parts: Buffer[]): Buffer => {
    const h = createHash(algorithm);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt, 'utf8');
  const b = hash(p, s, p);
  const aParts = [p, s, repeatTo(b, p.length)];
  for (let n = p.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : p);
  let c = hash(...aParts);
  const pSeq = repeatTo(hash(...Array<Buffer>(p.length).fill(p)), p.length);
  const sSeq = repeatTo(hash(...Array<Buffer>(16 + c[0]!).fill(s)), s.length);
  for (let i = 0; i < rounds; i++) {
    const h = createHash(algorithm);
    h.update(i & 1 ? pSeq : c);
    if (i % 3) h.update(sSeq);
    if (i % 7) h.update(pSeq);
    h.update(i & 1 ? c : pSeq);
    c = h.digest();
  }
  const id = bits === 512 ? '6' : '5';
  return `$${id}$${rounds === 5000 ? '' : `rounds=${rounds}$`}${salt}$${encode(c, shaGroups(bits === 512 ? 64 : 32))}`;
}

/** MD5-crypt (Poul-Henning Kamp's `$1$`), with a salt of 8 characters at most. */
export function md5Crypt(password: string, salt: string): string {
  const md5 = (...parts: Buffer[]): Buffer => {
    const h = createHash('md5');
    for (const part of parts) h.update(part);
    return h.digest();
  };
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt, 'utf8');
  const magic = Buffer.from('$1$');
  const alternate = md5(p, s, p);
  const parts = [p, magic, s, repeatTo(alternate, p.length)];
  for (let n = p.length; n > 0; n >>= 1) parts.push(n & 1 ? Buffer.from([0]) : p.subarray(0, 1));
  let f = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const round: Buffer[] = [i & 1 ? p : f];
    if (i % 3) round.push(s);
    if (i % 7) round.push(p);
    round.push(i & 1 ? f : p);
    f = md5(...round);
  }
  const groups: Array<[number, number, number, number]> = [[0, 6, 12, 4], [1, 7, 13, 4], [2, 8, 14, 4], [3, 9, 15, 4], [4, 10, 5, 4], [-1, -1, 11, 2]];
  return `$1$${salt}$${encode(f, groups)}`;
}
