import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/index.js';
import { attachExpressionContext } from '../../src/expr/expression-context.js';

const ev = (source: string, vars: Record<string, unknown> = {}): unknown => compileExpression(source).evaluate(vars);

describe('global functions', () => {
  it('range', () => {
    expect(ev('range(3)')).toEqual([0, 1, 2]);
    expect(ev('range(1, 10, 3)')).toEqual([1, 4, 7]);
    expect(ev('range(5, 0, -2)')).toEqual([5, 3, 1]);
    expect(ev('range(2, 2)')).toEqual([]);
    expect(ev('range(3) | map("string") | join(",")')).toBe('0,1,2');
    expect(() => ev('range(1.5)')).toThrow('range(): stop must be an integer, got float');
    expect(() => ev('range(1, 2, 0)')).toThrow('range(): step must not be zero');
    expect(() => ev('range(10000000)')).toThrow('more than the 1000000 allowed');
  });

  it('dict', () => {
    expect(ev("dict(a=1, b='x')")).toEqual({ a: 1, b: 'x' });
    expect(ev("dict([['k', 'v']], z=0)")).toEqual({ k: 'v', z: 0 });
    expect(ev("dict({'a': 1}).a")).toBe(1);
    expect(() => ev('dict([1])')).toThrow('dict(): item 0 of the list is not a pair');
  });

  it('now', () => {
    expect(ev('now()')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/);
    const today = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(ev("now(fmt='%Y-%m-%d')")).toBe(`${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`);
    expect(ev("now(utc=True, fmt='%Y-%m-%dT%H')")).toBe(new Date().toISOString().slice(0, 13));
    expect(ev("now(True, '%%|%j|%-d')")).toMatch(/^%\|\d{3}\|[1-9]\d?$/);
    expect(() => ev("now(fmt='%Q')")).toThrow("strftime: unknown directive '%Q'");
  });

  it('undef gives an undefined value', () => {
    expect(ev('undef() is undefined')).toBe(true);
    expect(ev("undef(hint='set me') is defined")).toBe(false);
    expect(ev("undef() | default('d')")).toBe('d');
  });

  it('lookup and query need the run context, and pass it terms and options', () => {
    expect(() => ev("lookup('env', 'HOME')")).toThrow("lookup('env'): lookups only run inside a playbook's tasks and variables");
    const calls: unknown[] = [];
    const vars: Record<string, unknown> = { name: 'x' };
    attachExpressionContext(vars, {
      lookup: (name, terms, kwargs, query) => {
        calls.push({ name, terms, kwargs: { ...kwargs }, query });
        return query ? ['r'] : 'r';
      },
    });
    expect(ev("lookup('file', name, 'b', errors='ignore')", vars)).toBe('r');
    expect(ev("q('items', [1])", { ...vars })).toEqual(['r']);
    expect(ev("query('items')", vars)).toEqual(['r']);
    expect(calls).toEqual([
      { name: 'file', terms: ['x', 'b'], kwargs: { errors: 'ignore' }, query: false },
      { name: 'items', terms: [[1]], kwargs: {}, query: true },
      { name: 'items', terms: [], kwargs: {}, query: true },
    ]);
    expect(() => ev('lookup(1)', vars)).toThrow("lookup(): the first argument must be the lookup's name, got int");
  });

  it('the context is out of reach of expressions', () => {
    const vars: Record<string, unknown> = {};
    attachExpressionContext(vars, { lookup: () => 'secret' });
    expect(Object.keys(vars)).toEqual([]);
    expect(JSON.stringify(vars)).toBe('{}');
    expect(ev('vars is defined', vars)).toBe(false);
    expect(() => ev('lookup.constructor', vars)).toThrow("'lookup' is undefined");
  });
});
