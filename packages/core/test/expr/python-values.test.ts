import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/index.js';
import { pyFormat } from '../../src/expr/py-format.js';
import { floatRepr, formatExponent, formatFixed, formatGeneral, roundHalfEven } from '../../src/expr/py-number-format.js';
import { pyPformat } from '../../src/expr/py-pprint.js';
import { PyTuple } from '../../src/expr/py-tuple.js';
import { compareVersions } from '../../src/expr/py-versions.js';

const native = (source: string, vars: Record<string, unknown> = {}): unknown => compileExpression(source).evaluate(vars);

// Python's distinctions live inside an evaluation only; the engine and modules get plain data.
describe('Python values at the boundary', () => {
  it('a whole float is a plain number for the engine', () => {
    expect(native('10 / 2')).toBe(5);
    expect(native('[1.0, {"a": 4 / 2}]')).toEqual([1, { a: 2 }]);
    expect(String(compileExpression('10 / 2').evaluatePython({}))).toBe('5.0');
  });

  it('tuples are lists, datetimes their text, timedeltas their text', () => {
    const pairs = native("[1, 2] | zip(['a', 'b']) | list") as unknown[];
    expect(pairs).toEqual([[1, 'a'], [2, 'b']]);
    expect(pairs[0]).not.toBeInstanceOf(PyTuple);
    expect(native("'2016-08-14 20:00:12' | to_datetime")).toBe('2016-08-14 20:00:12');
    expect(native("('2016-08-14 20:00:12' | to_datetime) - ('2016-08-14 18:00:00' | to_datetime)")).toBe('2:00:12');
  });

  it('values from outside an evaluation are handed back as they are', () => {
    const big = { list: [1, 2, 3] };
    expect(native('big', { big })).toBe(big);
  });
});

describe('numbers as Python writes them', () => {
  it.each([
    [5, '5.0'],
    [0.1, '0.1'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [1234567890123456, '1234567890123456.0'],
    [-0, '-0.0'],
    [Infinity, 'inf'],
    [NaN, 'nan'],
  ])('repr(%s) is %s', (n, text) => expect(floatRepr(n)).toBe(text));

  it('rounds half to even on the exact binary value', () => {
    expect([formatFixed(0.125, 2), formatFixed(2.5, 0), formatFixed(3.5, 0), formatFixed(2.675, 2), formatFixed(-1.5, 0)]).toEqual(['0.12', '2', '4', '2.67', '-2']);
    expect([roundHalfEven(2.675, 2), roundHalfEven(1250, -2), roundHalfEven(1350, -2)]).toEqual([2.67, 1200, 1400]);
    expect([formatExponent(12345.678, 2), formatExponent(0, 1), formatGeneral(0.0001234, 6), formatGeneral(1e6, 6), formatGeneral(100000, 6)]).toEqual([
      '1.23e+04',
      '0.0e+00',
      '0.0001234',
      '1e+06',
      '100000',
    ]);
  });

  it("formats with Python's % rules and errors", () => {
    expect(pyFormat('%s|%r|%5.1f|%-4d|%04x|%%', ['a', 'a', 2.25, 7, 255])).toBe("a|'a'|  2.2|7   |00ff|%");
    expect(pyFormat('%(a)s-%(b)03d', { a: 'x', b: 5 })).toBe('x-005');
    expect(() => pyFormat('%s %s', ['a'])).toThrow('not enough arguments for format string');
    expect(() => pyFormat('%s', ['a', 'b'])).toThrow('not all arguments converted during string formatting');
    expect(() => pyFormat('%d', ['x'])).toThrow('%d format: a real number is required, not str');
    expect(() => pyFormat('%(a)s', ['x'])).toThrow('format requires a mapping');
  });

  it("pretty-prints as Python's pprint", () => {
    expect(pyPformat({ b: 1, a: [1, 2] })).toBe("{'a': [1, 2], 'b': 1}");
    expect(pyPformat(Array.from({ length: 30 }, (_, i) => i * 1000))).toMatch(/^\[0,\n 1000,\n 2000,/);
  });
});

describe('version types', () => {
  it.each([
    ['1.2.10', '1.2.9', 'loose', 1],
    ['1.0', '1.0.0', 'strict', 0],
    ['1.0.0-rc.1', '1.0.0', 'semver', -1],
    ['1.0.post1', '1.0', 'pep440', 1],
    ['1.0.dev1', '1.0a1', 'pep440', -1],
  ] as const)('%s vs %s (%s)', (a, b, type, c) => expect(compareVersions(a, b, type)).toBe(c));

  it("a loose comparison of a number with a word is Python's error", () => {
    expect(() => compareVersions('1.0a', '1.0.1', 'loose')).toThrow("'<' not supported between instances of 'str' and 'int'");
    expect(() => compareVersions('1.2.3.4', '1.2', 'strict')).toThrow("invalid version number '1.2.3.4'");
  });
});
