import { createHash, randomInt } from 'node:crypto';
import { isPyFloat } from './py-float.js';
import { typeName } from './values.js';

/**
 * Python's `random` module as the `random` and `shuffle` filters use it: with a seed, the Mersenne Twister
 * seeded as Python seeds it, so `59 | random(seed=inventory_hostname)` gives the number Ansible gives;
 * without one, the operating system's random source (Python's SystemRandom).
 */
export abstract class PyRandomSource {
  /** A uniform integer in [0, n). */
  abstract below(n: number): number;

  /** Python's randrange(start, stop, step). */
  randrange(start: number, stop: number, step: number): number {
    const width = stop - start;
    if (step === 0) throw new RangeError('zero step for randrange()');
    const n = step === 1 ? width : step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) throw new RangeError(`empty range for randrange() (${start}, ${stop}, ${step})`);
    return start + step * this.below(n);
  }

  /** Python's choice(seq). */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Cannot choose from an empty sequence');
    return items[this.below(items.length)]!;
  }

  /** Python's shuffle(x): Fisher-Yates from the end, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** The operating system's random source (Python's SystemRandom). */
class SystemRandomSource extends PyRandomSource {
  below(n: number): number {
    return n <= 2 ** 48 - 1 ? randomInt(n) : Math.floor(Math.random() * n);
  }
}

const N = 624;
const M = 397;

/** The Mersenne Twister (MT19937) seeded from an int or a string exactly as CPython's random.seed(version=2). */
class MersenneTwister extends PyRandomSource {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: unknown) {
    super();
    this.initByArray(seedWords(seed));
  }

  private initGenrand(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    this.initGenrand(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** The next 32 random bits. */
  private next32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Python's getrandbits(k): whole 32-bit words from the least significant end, the last one shifted down. */
  private bits(k: number): bigint {
    let result = 0n;
    for (let shift = 0; k > 0; shift += 32, k -= 32) {
      const word = k < 32 ? this.next32() >>> (32 - k) : this.next32();
      result |= BigInt(word) << BigInt(shift);
    }
    return result;
  }

  /** Python's _randbelow_with_getrandbits: draw bit_length(n) bits until the number is below n. */
  below(n: number): number {
    const limit = BigInt(n);
    const k = limit.toString(2).length;
    let r = this.bits(k);
    while (r >= limit) r = this.bits(k);
    return Number(r);
  }
}

/** The 32-bit words (least significant first) CPython's init_by_array gets for a seed. */
function seedWords(seed: unknown): number[] {
  let n: bigint;
  if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    n = BigInt(`0x${all.toString('hex')}`);
  } else if (typeof seed === 'boolean') n = BigInt(Number(seed));
  else if ((typeof seed === 'number' || isPyFloat(seed)) && Number.isInteger(Number(seed))) n = BigInt(Math.abs(Number(seed)));
  else throw new TypeError(`a random seed must be an integer or a string, got ${typeName(seed)}`);
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words.length ? words : [0];
}

/** A seeded Mersenne Twister, or the system source when `seed` is none/undefined. */
export function randomSource(seed: unknown): PyRandomSource {
  return seed === undefined || seed === null ? new SystemRandomSource() : new MersenneTwister(seed);
}
