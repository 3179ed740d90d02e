import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../../src/lookups/python-random.js';

const draw = (seed: string, chars: string, n: number) => {
  const random = new PythonRandom(seed);
  return Array.from({ length: n }, () => random.choice([...chars])).join('');
};

// Expected values printed by CPython 3.11: ''.join(random.Random(seed).choice(chars) for _ in range(n)).
describe('PythonRandom', () => {
  it('draws what CPython draws for the same string seed', () => {
    expect(draw('abc', 'abcdef0123', 10)).toBe('21ffceadba');
    expect(draw('', 'abcdefghijklmnopqrstuvwxyz', 12)).toBe('otgmxyhkytat');
    expect(draw('héllo wörld', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:-_', 20)).toBe('kWupqhmYUD5yMx7_ahgK');
  });

  it('refuses to choose from nothing', () => {
    expect(() => new PythonRandom('x').choice([])).toThrow('empty sequence');
  });
});
