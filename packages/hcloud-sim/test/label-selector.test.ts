import { describe, expect, it } from 'vitest';
import { LabelSelectorError, matchesSelector, parseLabelSelector } from '../src/index.js';

const cases: Array<[string, Record<string, string>, boolean]> = [
  ['env=prod', { env: 'prod' }, true],
  ['env==prod', { env: 'prod' }, true],
  ['env=prod', { env: 'dev' }, false],
  ['env!=prod', { env: 'dev' }, true],
  ['env!=prod', {}, true],
  ['env', { env: '' }, true],
  ['env', {}, false],
  ['!env', {}, true],
  ['!env', { env: 'x' }, false],
  ['env in (a, b)', { env: 'b' }, true],
  ['env in (a,b)', { env: 'c' }, false],
  ['env notin (a,b)', { env: 'c' }, true],
  ['env notin (a,b)', {}, true],
  ['env=prod,type!=database', { env: 'prod', type: 'web' }, true],
  ['env=prod,type!=database', { env: 'prod', type: 'database' }, false],
  ['example.com/my=label', { 'example.com/my': 'label' }, true],
  ['k=', { k: '' }, true],
  ['', { any: 'thing' }, true],
];

describe('label selectors', () => {
  it.each(cases)('%s on %j → %s', (selector, labels, expected) => {
    expect(matchesSelector(labels, parseLabelSelector(selector))).toBe(expected);
  });

  it('rejects malformed selectors', () => {
    for (const bad of ['env in (a', 'env in a)', 'a,,b', 'bad key=x', 'k=v v']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(LabelSelectorError);
    }
  });
});
