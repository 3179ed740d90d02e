import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateCondition, ExpressionError, truthy, UndefinedVariableError } from '../../src/expr/index.js';

const ev = (source: string, vars: Record<string, unknown> = {}): unknown => compileExpression(source).evaluate(vars);

describe('is tests', () => {
  const vars = {
    ok: { changed: false, failed: false, rc: 0 },
    bad: { changed: true, failed: true, rc: 1 },
    skip: { skipped: true, changed: false },
    down: { unreachable: true },
  };

  it('type tests', () => {
    expect(ev("'a' is string")).toBe(true);
    expect(ev('1 is number and 1 is integer and 1.5 is float')).toBe(true);
    expect(ev('1.5 is integer')).toBe(false);
    expect(ev('true is boolean and none is none')).toBe(true);
    expect(ev("{'a': 1} is mapping and [1] is sequence and 'x' is iterable")).toBe(true);
    expect(ev('[1] is mapping')).toBe(false);
    expect(ev('true is true and false is false and 1 is not true')).toBe(true);
    expect(ev("'abc' is lower and 'ABC' is upper")).toBe(true);
  });

  it('comparison tests', () => {
    expect(ev('3 is eq 3 and 3 is equalto 3 and 3 is ne 4')).toBe(true);
    expect(ev('3 is lt 4 and 3 is le 3 and 3 is gt 2 and 3 is ge 3')).toBe(true);
    expect(ev("[1, [2]] is sameas [1, [2]]")).toBe(false);
    expect(ev("2 is in [1, 2] and [1, 2] is contains 2")).toBe(true);
    expect(ev("'b' is in 'abc'")).toBe(true);
    expect(ev('[1] is subset [1, 2] and [1, 2] is superset [1]')).toBe(true);
    expect(ev('[1, true] is all and [0, 1] is any and [0] is not any')).toBe(true);
  });

  it('regex tests', () => {
    expect(ev("'abc' is match('ab')")).toBe(true);
    expect(ev("'abc' is match('bc')")).toBe(false);
    expect(ev("'abc' is search('bc')")).toBe(true);
    expect(ev("'ABC' is search('bc', ignorecase=true)")).toBe(true);
    expect(ev("'abc' is regex('^a.c$')")).toBe(true);
    expect(ev("'abc' is regex('b', match_type='match')")).toBe(false);
    expect(ev("'v1.2' is match('v(?P<major>\\\\d+)')")).toBe(true);
  });

  it('number tests', () => {
    expect(ev('9 is divisibleby 3 and 4 is even and 5 is odd and -3 is odd')).toBe(true);
    expect(() => ev("'a' is even")).toThrow(ExpressionError);
  });

  it('truthiness tests', () => {
    expect(ev("'' is falsy and 'x' is truthy and [] is falsy")).toBe(true);
    expect(ev("'no' is truthy(convert_bool=true)")).toBe(false);
  });

  it('task result tests', () => {
    expect(ev('ok is succeeded and ok is success and ok is not failed', vars)).toBe(true);
    expect(ev('bad is failed and bad is failure and bad is changed and bad is change', vars)).toBe(true);
    expect(ev('skip is skipped and skip is skip and ok is not skipped', vars)).toBe(true);
    expect(ev('down is unreachable and ok is reachable', vars)).toBe(true);
    const e = (() => {
      try {
        ev("'text' is failed");
      } catch (err) {
        return err as ExpressionError;
      }
      return null;
    })();
    expect(e?.message).toContain("The 'failed' test expects a dictionary, got str");
  });

  it('version tests', () => {
    expect(ev("'1.10.0' is version('1.9', '>')")).toBe(true);
    expect(ev("'2.0' is version('2.0', 'eq')")).toBe(true);
    expect(ev("'8' is version('9', operator='lt')")).toBe(true);
  });

  it('non-tolerant tests still require the value to exist', () => {
    expect(() => ev('missing is none')).toThrow(UndefinedVariableError);
  });
});

describe('truthy', () => {
  it('follows Python', () => {
    for (const v of ['', [], {}, 0, null, undefined, false]) expect(truthy(v)).toBe(false);
    for (const v of ['a', [0], { a: 0 }, 1, -1, true, 'false', '0']) expect(truthy(v)).toBe(true);
  });
});

describe('evaluateCondition', () => {
  const vars = { result: { rc: 0, changed: true }, items: [1] };

  it('accepts bare booleans and numbers', () => {
    expect(evaluateCondition(true, vars)).toBe(true);
    expect(evaluateCondition(false, vars)).toBe(false);
    expect(evaluateCondition(1, vars)).toBe(true);
    expect(evaluateCondition(0, vars)).toBe(false);
  });

  it('treats a list as AND of all its items', () => {
    expect(evaluateCondition(['result.rc == 0', 'result.changed', true], vars)).toBe(true);
    expect(evaluateCondition(['result.rc == 0', 'not result.changed'], vars)).toBe(false);
    expect(evaluateCondition(['result.rc == 0', false], vars)).toBe(false);
    expect(evaluateCondition([], vars)).toBe(true);
  });

  it('short-circuits the list (later items are not evaluated)', () => {
    expect(evaluateCondition(['x is defined', 'x.y == 1'], vars)).toBe(false);
  });

  it('evaluates strings by truthiness', () => {
    expect(evaluateCondition('items', vars)).toBe(true);
    expect(evaluateCondition('items | length == 0', vars)).toBe(false);
    expect(evaluateCondition("'yes'", vars)).toBe(true);
    expect(evaluateCondition('{{ result.rc == 0 }}', vars)).toBe(true);
  });

  it('treats null and empty strings as no condition, like Ansible', () => {
    expect(evaluateCondition(null, vars)).toBe(true);
    expect(evaluateCondition('', vars)).toBe(true);
  });

  it('raises for undefined variables and syntax errors', () => {
    expect(() => evaluateCondition('nope == 1', vars)).toThrow(UndefinedVariableError);
    expect(() => evaluateCondition('result.rc ==', vars)).toThrow(ExpressionError);
  });
});
