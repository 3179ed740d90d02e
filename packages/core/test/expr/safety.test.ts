import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileExpression, evaluateCondition } from '../../src/expr/index.js';
import { FILTERS } from '../../src/template/filters.js';

const here = dirname(fileURLToPath(import.meta.url));
const srcRoot = join(here, '../../src');

/** Runs an expression; returns the value, or the string 'threw' if it raised any error. */
function attempt(source: string, vars: Record<string, unknown>): unknown {
  try {
    return compileExpression(source).evaluate(vars);
  } catch {
    return 'threw';
  }
}

const protoNames = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();
const arrayProtoNames = (): string[] => Object.getOwnPropertyNames(Array.prototype).sort();
const stringProtoNames = (): string[] => Object.getOwnPropertyNames(String.prototype).sort();

describe('sandbox', () => {
  let before: string[][];
  beforeEach(() => {
    before = [protoNames(), arrayProtoNames(), stringProtoNames()];
  });
  afterEach(() => {
    expect([protoNames(), arrayProtoNames(), stringProtoNames()]).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  const vars = {
    x: { a: 1 },
    a: { b: 1 },
    s: 'text',
    list: [1, 2],
    fn: () => 'called',
    obj: { method: () => 'called', nested: { fn: () => 'called' } },
    inherited: Object.create({ secret: 'from prototype' }) as Record<string, unknown>,
  };

  const attacks = [
    'process',
    'globalThis',
    'global',
    'require',
    'this',
    'constructor',
    '__proto__',
    'prototype',
    'toString',
    'hasOwnProperty',
    '{}.__proto__',
    '{}.constructor',
    "''.constructor",
    "''.constructor.constructor",
    "''.constructor.constructor('return process')()",
    "s.constructor.constructor('return process')",
    "x['constructor']",
    "x['constructor']['constructor']('return process')",
    "x['__proto__']",
    '[].constructor',
    '[].__proto__',
    'list.constructor',
    'list.__proto__.polluted',
    'a.__proto__.polluted',
    'a.constructor.prototype',
    'x.hasOwnProperty',
    'x.toString',
    'x.valueOf',
    's.length.constructor',
    'fn',
    'obj.method',
    'obj.nested.fn',
    'inherited.secret',
    "inherited['secret']",
    "x | attr('constructor')",
    "x | attr('__proto__')",
    "list | map('attr', 'constructor') | first",
    "x.get('constructor')",
    "x.get('__proto__')",
    "'__proto__' in x",
    "'constructor' in x",
    "'toString' in x",
  ];

  for (const source of attacks) {
    it(`cannot reach anything through: ${source}`, () => {
      const result = attempt(source, vars);
      expect(['threw', undefined, null, false]).toContain(result);
    });
  }

  it('cannot call anything that is not a whitelisted method', () => {
    for (const source of [
      'fn()',
      'obj.method()',
      'x.toString()',
      'x.valueOf()',
      "x.hasOwnProperty('a')",
      "x.__defineGetter__('a', 1)",
      "x.constructor('a')",
      "s.constructor('a')",
      "s.at(0)",
      "list.push(3)",
      "list.map('a')",
      "x | constructor",
      "x | __proto__",
      "x | toString",
      "x is constructor",
      "x is __proto__",
      "list | map('constructor')",
      "list | select('constructor')",
      "list | select('hasOwnProperty')",
    ]) {
      expect(attempt(source, vars), source).toBe('threw');
    }
    expect(vars.list).toEqual([1, 2]);
  });

  it('is defined / default see forbidden names as undefined', () => {
    expect(attempt('x.__proto__ is defined', vars)).toBe(false);
    expect(attempt('x.constructor is defined', vars)).toBe(false);
    expect(attempt('{}.__proto__ is defined', vars)).toBe(false);
    expect(attempt("x.__proto__ | default('safe')", vars)).toBe('safe');
    expect(attempt("inherited.secret | default('safe')", vars)).toBe('safe');
    expect(attempt('process is defined', vars)).toBe(false);
    expect(evaluateCondition('globalThis is defined', vars)).toBe(false);
  });

  it('building dicts with a __proto__ key creates an own key, never a prototype', () => {
    for (const source of [
      "{'__proto__': {'polluted': 1}}",
      "{'__proto__': {'polluted': 1}} | combine({'__proto__': {'isAdmin': true}}, recursive=true)",
      "{} | combine({'__proto__': {'polluted': 1}})",
      "[['__proto__', {'polluted': 1}]] | dict",
      "[{'key': '__proto__', 'value': {'polluted': 1}}] | items2dict",
      "'{\"__proto__\": {\"polluted\": 1}}' | from_json",
      "'{\"__proto__\": {\"polluted\": 1}}' | from_json | combine({'a': 1}, recursive=true)",
      "'__proto__: {polluted: 1}' | from_yaml",
      "x | combine({'constructor': {'prototype': {'polluted': 1}}}, recursive=true)",
    ]) {
      const result = attempt(source, vars);
      expect(result, source).not.toBe('threw');
      expect(Object.getPrototypeOf(result), source).toBe(Object.prototype);
      expect((result as Record<string, unknown>).polluted, source).toBeUndefined();
    }
  });

  it('filters read keyword arguments without the prototype', () => {
    expect(attempt('list | sort(constructor=1)', vars)).toEqual([1, 2]);
    expect(attempt("x | combine({'b': 2}, __proto__=1)", vars)).toEqual({ a: 1, b: 2 });
  });

  it('filter and test tables have no prototype', () => {
    expect(Object.getPrototypeOf(FILTERS)).toBeNull();
    expect(Object.isFrozen(FILTERS)).toBe(true);
  });

  it('values stay unmodified by filters', () => {
    const data = { items: [3, 1, 2], d: { a: { b: 1 } } };
    attempt('items | sort', data);
    attempt('items | reverse', data);
    attempt("d | combine({'a': {'c': 2}}, recursive=true)", data);
    expect(data).toEqual({ items: [3, 1, 2], d: { a: { b: 1 } } });
  });
});

describe('source hygiene', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

  it('the expression and filter code never uses eval or the Function constructor', () => {
    const sources = [...files(join(srcRoot, 'expr')), join(srcRoot, 'template/filters.ts')];
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\beval\s*\(/);
      expect(text, file).not.toMatch(/\bnew\s+Function\b/);
      expect(text, file).not.toMatch(/\bFunction\s*\(/);
      expect(text, file).not.toMatch(/\bvm\b.*\brun/);
    }
  });
});
