import { describe, expect, it } from 'vitest';
import { formatDelta, formatTimestamp } from '../src/lib/ansible-time.js';
import { formatMode, parseMode } from '../src/lib/file-mode.js';
import { compilePythonRegex, expandTemplate } from '../src/lib/python-regex.js';
import { isTruthy } from '../src/lib/truthy.js';
import { pythonRepr } from '../src/lib/python-repr.js';

describe('modes', () => {
  it.each([
    ['0644', 0o000, false, 0o644],
    ['644', 0o777, false, 0o644],
    [0o755, 0, true, 0o755],
    ['04755', 0, false, 0o4755],
    ['u+x', 0o644, false, 0o744],
    ['u=rw,g=r,o=', 0o777, false, 0o640],
    ['go-w', 0o666, false, 0o644],
    ['+x', 0o600, false, 0o711],
    ['a+X', 0o600, false, 0o600],
    ['a+X', 0o600, true, 0o711],
    ['a+X', 0o700, false, 0o711],
    ['g=u', 0o750, false, 0o770],
    ['u+s,+t', 0o755, false, 0o5755],
    ['u=rwx,g=rx,o=rx', 0, true, 0o755],
  ] as const)('%j applied to %s (dir %s) gives %s', (spec, current, isDir, expected) => {
    const rule = parseMode(spec);
    if ('error' in rule) throw new Error(rule.error);
    expect(formatMode(rule.apply(current, isDir))).toBe(formatMode(expected));
  });

  it.each(['rwxr-xr-x', '0999', 'u*x', 99999, -1, 1.5])('rejects %j', (spec) => {
    expect(parseMode(spec)).toHaveProperty('error');
  });

  it('gives chmod an explicit user class', () => {
    const rule = parseMode('+x,g-w');
    expect('error' in rule ? '' : rule.chmodArgument).toBe('a+x,g-w');
  });
});

describe('python regex translation', () => {
  it.each([
    ['(?P<key>\\w+)=(?P=key)', 'a=a', true],
    ['(?P<key>\\w+)=(?P=key)', 'a=b', false],
    ['\\Aabc\\Z', 'abc', true],
    ['[(?P<]x', '(x', true],
    ['(?i)hello', 'HeLLo', true],
    ['[]a]', ']', true],
  ])('%s on %s: %s', (source, text, expected) => {
    const result = compilePythonRegex(source);
    if ('error' in result) throw new Error(result.error);
    expect(result.regex.test(text)).toBe(expected);
  });

  it('reports bad patterns and unsupported flags', () => {
    expect(compilePythonRegex('(')).toHaveProperty('error');
    expect(compilePythonRegex('(?x)a b')).toHaveProperty('error');
  });

  it('expands templates like match.expand', () => {
    const match = /(?<a>x)(y)?(z)/.exec('xz')!;
    expect(expandTemplate(match, '\\1-\\g<a>-\\2-\\3-\\g<3>\\n\\\\')).toBe('x-x--z-z\n\\');
  });
});

describe('Ansible formats', () => {
  it.each([
    [3512, '0:00:00.003512'],
    [5_000_000, '0:00:05'],
    [3_723_000_001, '1:02:03.000001'],
    [86_400_000_000 + 1_000_000, '1 day, 0:00:01'],
    [2 * 86_400_000_000, '2 days, 0:00:00'],
  ])('delta %s µs → %s', (micros, text) => {
    expect(formatDelta(micros)).toBe(text);
  });

  it('formats timestamps with microseconds', () => {
    const micros = new Date(2026, 10, 23, 20, 0, 0, 123).getTime() * 1000 + 456;
    expect(formatTimestamp(micros)).toBe('2026-11-23 20:00:00.123456');
  });

  it.each([
    ['', false],
    [[], false],
    [{}, false],
    [0, false],
    [null, false],
    [undefined, false],
    [false, false],
    [Number.NaN, true],
    ['0', true],
    [[0], true],
    [{ a: 0 }, true],
    [-1, true],
  ])('truthiness of %j is %s', (value, expected) => {
    expect(isTruthy(value)).toBe(expected);
  });

  it('renders Python reprs', () => {
    expect(pythonRepr([200, 201])).toBe('[200, 201]');
    expect(pythonRepr({ a: "it's", b: null, c: true })).toBe("{'a': 'it\\'s', 'b': None, 'c': True}");
  });
});
