import { createHash } from 'node:crypto';

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * Python's `random.Random(seed)` for a string seed: the Mersenne Twister seeded the way CPython 3 seeds it from text
 * (the UTF-8 bytes followed by their SHA-512, read as one big integer), so `seed=` gives Ansible's very output.
 */
export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  constructor(seed: string) {
    const bytes = Buffer.from(seed, 'utf8');
    this.seedByArray(keyWords(Buffer.concat([bytes, createHash('sha512').update(bytes).digest()])));
  }

  /** `random.choice(seq)`: one item, drawn as CPython draws it (rejection sampling on getrandbits). */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot choose from an empty sequence');
    return items[this.randBelow(items.length)]!;
  }

  /** `_randbelow_with_getrandbits(n)` for n below 2^32. */
  private randBelow(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  private getrandbits(k: number): number {
    return k === 0 ? 0 : this.next() >>> (32 - k);
  }

  private initGenrand(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private seedByArray(key: readonly number[]): void {
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = ((this.mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = ((this.mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1]!;
        i = 1;
      }
    }
    this.mt[0] = 0x80000000;
  }

  private next(): number {
    if (this.index >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = (this.mt[kk]! & UPPER_MASK) | (this.mt[(kk + 1) % N]! & LOWER_MASK);
        this.mt[kk] = this.mt[(kk + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** A big-endian byte string as CPython's seeding key: 32-bit words, least significant first, without leading zeros. */
function keyWords(bytes: Buffer): number[] {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const words: number[] = [];
  for (let end = bytes.length; end > start; end -= 4) {
    let word = 0;
    for (let b = Math.max(start, end - 4); b < end; b++) word = (word * 256 + bytes[b]!) >>> 0;
    words.push(word);
  }
  return words.length === 0 ? [0] : words;
}
