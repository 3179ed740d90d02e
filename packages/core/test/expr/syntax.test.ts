import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionError } from '../../src/expr/index.js';

/** The ExpressionError thrown while compiling `source`. */
function syntaxError(source: string): ExpressionError {
  try {
    compileExpression(source);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error(`expected '${source}' to fail to compile`);
}

const ev = (source: string, vars: Record<string, unknown> = {}): unknown => compileExpression(source).evaluate(vars);

describe('syntax', () => {
  it('parses literals', () => {
    expect(ev('42')).toBe(42);
    expect(ev('-3.5')).toBe(-3.5);
    expect(ev('1_000')).toBe(1000);
    expect(ev('1e3')).toBe(1000);
    expect(ev(`'it\\'s'`)).toBe("it's");
    expect(ev('"a\\tb\\n"')).toBe('a\tb\n');
    expect(ev(`'\\d+'`)).toBe('\\d+'); // unknown escapes keep the backslash, as in Python
    expect(ev(`'\\x41\\u00e9'`)).toBe('Aé');
    expect(ev(`'a' "b"`)).toBe('ab');
    expect([ev('true'), ev('True'), ev('false'), ev('False')]).toEqual([true, true, false, false]);
    expect([ev('none'), ev('None'), ev('null')]).toEqual([null, null, null]);
    expect(ev(`[1, 'a', [true], ]`)).toEqual([1, 'a', [true]]);
    expect(ev(`{'a': 1, "b": x}`, { x: 2 })).toEqual({ a: 1, b: 2 });
    expect(ev('(1, 2)')).toEqual([1, 2]);
    expect(ev('(1,)')).toEqual([1]);
    expect(ev('()')).toEqual([]);
    expect(ev('{}')).toEqual({});
  });

  it('follows Jinja precedence', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('not true or true')).toBe(true);
    expect(ev('not (true or true)')).toBe(false);
    expect(ev('true or false and false')).toBe(true);
    expect(ev("'a' if x else 'b'", { x: 0 })).toBe('b');
    expect(ev("'a' if x else 'b' if y else 'c'", { x: 0, y: 1 })).toBe('b');
    expect(ev('1 < 2 < 3')).toBe(true);
    expect(ev('3 > 2 > 2')).toBe(false);
    expect(ev("x | length + 1", { x: [1, 2] })).toBe(3);
    expect(ev('-x | abs', { x: 3 })).toBe(3); // the filter applies to -x, as in Jinja
    expect(ev('not x is defined')).toBe(true);
    expect(ev('2 ** 3 ** 2')).toBe(64); // left-associative in Jinja
  });

  it('parses attribute, index and slice access', () => {
    const vars = { a: { b: { c: [10, 20, 30] } }, k: 'b' };
    expect(ev('a.b.c[0]', vars)).toBe(10);
    expect(ev('a.b.c.1', vars)).toBe(20);
    expect(ev("a['b']['c'][-1]", vars)).toBe(30);
    expect(ev('a[k].c[1:]', vars)).toEqual([20, 30]);
    expect(ev('a.b.c[::-1]', vars)).toEqual([30, 20, 10]);
    expect(ev('a.b.c[:2]', vars)).toEqual([10, 20]);
  });

  it('parses tests with and without arguments', () => {
    expect(ev('x is divisibleby(3)', { x: 9 })).toBe(true);
    expect(ev('x is divisibleby 3', { x: 9 })).toBe(true);
    expect(ev("x is not match('^a')", { x: 'abc' })).toBe(false);
    expect(ev('x is ansible.builtin.defined', { x: 1 })).toBe(true);
    expect(ev("x | ansible.builtin.default('d')")).toBe('d');
  });

  it('reports an unclosed list with the opener column and the offset of the end', () => {
    const e = syntaxError("x in [1, 'a'");
    expect(e.offset).toBe(12);
    expect(e.message).toContain("expected ',' or ']' to close the list opened at column 6, found end of expression");
    const e2 = syntaxError('[1, 2');
    expect(e2.offset).toBe(5);
    expect(e2.excerpt()).toBe('[1, 2\n     ^');
  });

  it('reports the offset of other syntax errors', () => {
    expect(syntaxError('result.rc ==').offset).toBe(12);
    expect(syntaxError('result.rc == ').message).toMatch(/expected a value .* after '==', found end of expression/);
    expect(syntaxError('a b').offset).toBe(2);
    expect(syntaxError('a b').message).toContain("unexpected 'b' after a complete expression");
    expect(syntaxError("'abc").offset).toBe(0);
    expect(syntaxError("'abc").message).toContain('unterminated string');
    expect(syntaxError('zzz(1)').message).toContain("unknown function 'zzz' (functions: range, dict, now, undef, lookup, query, q; filters are written x | name)");
    expect(syntaxError('rnage(3)').message).toContain("unknown function 'rnage'; did you mean 'range'?");
    expect(syntaxError('(1)(2)').message).toContain('this value cannot be called');
    expect(syntaxError('a && b').message).toContain("use 'and'");
    expect(syntaxError('!a').message).toContain("use 'not'");
    expect(syntaxError('{{ a }}').message).toContain("without '{{ }}'");
    expect(syntaxError('x | 3').message).toContain("expected a filter name after '|', found number 3");
    expect(syntaxError('x is').message).toContain("expected a test name after 'is', found end of expression");
    expect(syntaxError('(1 + 2').message).toContain("expected ')' to close the '(' opened at column 1");
    expect(syntaxError("{'a' 1}").message).toContain("expected ':' after the dict key, found number 1");
    expect(syntaxError('x | default(1').message).toContain("to close the arguments of filter 'default' opened at column 12");
    expect(syntaxError('a[]').offset).toBe(2);
    expect(syntaxError('').message).toContain('expected an expression');
    expect(syntaxError('a.').message).toContain("expected an attribute name after '.'");
    expect(syntaxError('x is defined is string').message).toContain('cannot chain tests');
    expect(syntaxError('and').message).toContain("found keyword 'and'");
    expect(syntaxError('f(a=1, 2)'.replace('f(', 'x.get(')).message).toContain('positional arguments must come before keyword arguments');
  });

  it('rejects unknown filters, tests and methods at compile time, with suggestions', () => {
    const f = syntaxError('x | lenght');
    expect(f.message).toContain("unknown filter 'lenght'");
    expect(f.message).toContain("did you mean 'length'");
    expect(f.offset).toBe(4);
    expect(syntaxError('x is defnied').message).toContain("unknown test 'defnied'");
    expect(syntaxError('x.startwith("a")').message).toContain("method 'startwith' is not available");
  });

  it('limits nesting depth instead of overflowing the stack', () => {
    const deep = `${'('.repeat(500)}1${')'.repeat(500)}`;
    expect(syntaxError(deep).message).toContain('nested too deeply');
  });

  it('caches compiled expressions by source', () => {
    expect(compileExpression('a == 1')).toBe(compileExpression('a == 1'));
    expect(compileExpression('a == 1').source).toBe('a == 1');
  });
});
