/** The alphabet of bcrypt's base-64 encoding (not crypt(3)'s: the digits come last). */
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Blowfish's initial subkeys (18 words) and S-boxes (4 × 256 words) are the hexadecimal digits of π after the point. */
const WORDS = 18 + 4 * 256;

let piWords: Uint32Array | undefined;

/** arctan(1/x) × `scale`, by its alternating series. */
function arctanInverse(x: bigint, scale: bigint): bigint {
  let power = scale / x;
  const x2 = x * x;
  let sum = 0n;
  for (let n = 1n; power !== 0n; n += 2n) {
    sum += (n & 2n ? -power : power) / n;
    power /= x2;
  }
  return sum;
}

/** The first WORDS 32-bit words of π's fractional part (Machin's formula in fixed point), computed once. */
function piFractionWords(): Uint32Array {
  if (piWords) return piWords;
  const bits = BigInt(WORDS * 32 + 64);
  const scale = 1n << bits;
  const pi = 16n * arctanInverse(5n, scale) - 4n * arctanInverse(239n, scale);
  const fraction = (pi - 3n * scale) >> 64n;
  const words = new Uint32Array(WORDS);
  for (let i = WORDS - 1, f = fraction; i >= 0; i--, f >>= 32n) words[i] = Number(f & 0xffffffffn);
  piWords = words;
  return words;
}

/** Blowfish with the Eksblowfish key schedule bcrypt uses. */
class Blowfish {
  private readonly p: Uint32Array;
  private readonly s: Uint32Array;
  private readonly block = new Uint32Array(2);

  constructor() {
    const words = piFractionWords();
    this.p = words.slice(0, 18);
    this.s = words.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return (((s[x >>> 24]! + s[256 + ((x >>> 16) & 0xff)]!) ^ s[512 + ((x >>> 8) & 0xff)]!) + s[768 + (x & 0xff)]!) >>> 0;
  }

  /** Enciphers the pair in `this.block`. */
  private encipher(): void {
    let l = this.block[0]!;
    let r = this.block[1]!;
    for (let i = 0; i < 16; i++) {
      l = (l ^ this.p[i]!) >>> 0;
      r = (r ^ this.f(l)) >>> 0;
      [l, r] = [r, l];
    }
    this.block[0] = (r ^ this.p[17]!) >>> 0;
    this.block[1] = (l ^ this.p[16]!) >>> 0;
  }

  /** Enciphers a pair of words. */
  encrypt(l: number, r: number): [number, number] {
    this.block[0] = l;
    this.block[1] = r;
    this.encipher();
    return [this.block[0]!, this.block[1]!];
  }

  /** The key (cycled) XORed into the subkeys, then every subkey and S-box entry replaced by enciphering the running block, mixed with the salt when given. */
  expand(key: Buffer, salt: Buffer | null): void {
    let k = 0;
    const keyWord = (): number => {
      let w = 0;
      for (let i = 0; i < 4; i++, k = (k + 1) % key.length) w = ((w << 8) | key[k]!) >>> 0;
      return w;
    };
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i]! ^ keyWord()) >>> 0;
    let sk = 0;
    const saltWord = (): number => {
      if (!salt) return 0;
      let w = 0;
      for (let i = 0; i < 4; i++, sk = (sk + 1) % salt.length) w = ((w << 8) | salt[sk]!) >>> 0;
      return w;
    };
    this.block[0] = 0;
    this.block[1] = 0;
    const fill = (table: Uint32Array): void => {
      for (let i = 0; i < table.length; i += 2) {
        this.block[0] = (this.block[0]! ^ saltWord()) >>> 0;
        this.block[1] = (this.block[1]! ^ saltWord()) >>> 0;
        this.encipher();
        table[i] = this.block[0]!;
        table[i + 1] = this.block[1]!;
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

/** bcrypt's base-64 of bytes (no padding). */
function encode64(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += BCRYPT_ALPHABET[(n >>> 18) & 0x3f]! + BCRYPT_ALPHABET[(n >>> 12) & 0x3f]! + BCRYPT_ALPHABET[(n >>> 6) & 0x3f]! + BCRYPT_ALPHABET[n & 0x3f]!;
  }
  return out.slice(0, length);
}

/** The 16 bytes of a 22-character bcrypt salt. */
function decodeSalt(salt: string): Buffer {
  let bits = 0n;
  for (const c of salt) {
    const v = BCRYPT_ALPHABET.indexOf(c);
    if (v < 0) throw new TypeError(`invalid character '${c}' in bcrypt salt: use ./A-Za-z0-9`);
    bits = (bits << 6n) | BigInt(v);
  }
  const hex = (bits >> 4n).toString(16).padStart(32, '0');
  return Buffer.from(hex, 'hex');
}

const MAGIC = Buffer.from('OrpheanBeholderScryDoubt');

/** bcrypt (`$2b$`/`$2a$`/`$2y$`): 2^cost Eksblowfish rounds over the password (72 bytes at most) and a 22-character salt. */
export function bcrypt(password: string, salt: string, cost: number, ident: string): string {
  if (salt.length !== 22) throw new TypeError('a bcrypt salt must be 22 characters of ./A-Za-z0-9');
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new RangeError(`bcrypt rounds must be between 4 and 31, got ${cost}`);
  if (!['2a', '2b', '2y'].includes(ident)) throw new TypeError(`unsupported bcrypt ident '${ident}': use 2b, 2a or 2y`);
  const saltBytes = decodeSalt(salt);
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from([0])]).subarray(0, 72);
  const cipher = new Blowfish();
  cipher.expand(key, saltBytes);
  for (let i = 2 ** cost; i > 0; i--) {
    cipher.expand(key, null);
    cipher.expand(saltBytes, null);
  }
  const text = new Uint32Array(6);
  for (let i = 0; i < 6; i++) text[i] = MAGIC.readUInt32BE(i * 4);
  for (let round = 0; round < 64; round++) {
    for (let i = 0; i < 6; i += 2) [text[i], text[i + 1]] = cipher.encrypt(text[i]!, text[i + 1]!);
  }
  const digest = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) digest.writeUInt32BE(text[i]!, i * 4);
  const canonicalSalt = encode64(saltBytes, 22);
  return `$${ident}$${String(cost).padStart(2, '0')}$${canonicalSalt}${encode64(digest.subarray(0, 23), 31)}`;
}
