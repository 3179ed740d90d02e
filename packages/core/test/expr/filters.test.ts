import { describe, expect, it } from 'vitest';
import { FilterFailure } from '../../src/expr/errors.js';
import { compileExpression, ExpressionError } from '../../src/expr/index.js';
import { toNative } from '../../src/expr/py-value.js';
import { FILTERS } from '../../src/template/filters.js';

const ev = (source: string, vars: Record<string, unknown> = {}): unknown => compileExpression(source).evaluate(vars);
// Filters give Python's whole floats boxed (see py-float.ts); the engine sees plain numbers, and so do these checks.
const f = (name: string, value: unknown, ...args: unknown[]): unknown => toNative(FILTERS[name]!(value, args, {}), -1);

const users = [
  { name: 'ann', uid: 1001, admin: true, shell: '/bin/bash', meta: { team: 'ops' } },
  { name: 'bob', uid: 1003, admin: false, shell: '/bin/zsh', meta: { team: 'dev' } },
  { name: 'cyd', uid: 1002, shell: '/bin/bash', meta: { team: 'ops' } },
];

describe('filters in expressions', () => {
  it('chain', () => {
    expect(ev("' A,b , C ' | lower | replace(' ', '') | split(',') | sort | join('-')")).toBe('a-b-c');
    expect(ev("users | map(attribute='name') | map('upper') | list", { users })).toEqual(['ANN', 'BOB', 'CYD']);
    expect(ev("users | selectattr('admin', 'defined') | selectattr('admin') | map(attribute='name') | first", { users })).toBe('ann');
    expect(ev("users | rejectattr('shell', 'equalto', '/bin/bash') | map(attribute='name') | list", { users })).toEqual(['bob']);
    expect(ev("users | selectattr('meta.team', '==', 'ops') | map(attribute='uid') | sum", { users })).toBe(2003);
    expect(ev("users | selectattr('uid', 'gt', 1001) | list | length", { users })).toBe(2);
    expect(ev("users | map(attribute='admin', default=false) | list", { users })).toEqual([true, false, false]);
    expect(ev("[1, 2, 3, 4] | select('even') | list")).toEqual([2, 4]);
    expect(ev("[1, 2, 3, 4] | reject('odd') | list")).toEqual([2, 4]);
    expect(ev("[0, 1, '', 'a', none] | select | list")).toEqual([1, 'a']);
    expect(ev("['a', 'b'] | map('regex_replace', '^', 'x-') | list")).toEqual(['x-a', 'x-b']);
    expect(ev("users | sort(attribute='uid') | map(attribute='name') | join(',')", { users })).toBe('ann,cyd,bob');
    expect(ev("users | sort(attribute='uid', reverse=true) | map(attribute='name') | first", { users })).toBe('bob');
    expect(ev("users | map('attr', 'name') | list", { users })).toEqual(['ann', 'bob', 'cyd']);
  });

  it('reports filter failures with the filter name and location', () => {
    let error: unknown;
    try {
      ev("'x' | from_json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).message).toContain("filter 'from_json'");
    expect((error as ExpressionError).offset).toBe(6);
  });
});

describe('filter table', () => {
  it('default / d / mandatory', () => {
    expect(f('default', undefined, 'x')).toBe('x');
    expect(f('d', 0, 'x')).toBe(0);
    expect(f('default', 0, 'x', true)).toBe('x');
    expect(f('default', undefined)).toBe('');
    // Ansible's words exactly, with its double space (the name and its space go between the two).
    expect(() => f('mandatory', undefined)).toThrow('Mandatory variable  not defined.');
    expect(f('mandatory', 1)).toBe(1);
  });

  it('mandatory names the undefined variable or attribute, and fails with its own message (issue 11)', () => {
    const failure = (source: string, vars: Record<string, unknown> = {}): unknown => {
      try {
        ev(source, vars);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const named = failure('app_port | mandatory');
    expect(named).toBeInstanceOf(FilterFailure);
    expect((named as Error).message).toBe("Mandatory variable 'app_port'  not defined.");
    expect((failure("conf.port | mandatory", { conf: {} }) as Error).message).toBe("Mandatory variable 'port'  not defined.");
    expect((failure("conf['port'] | mandatory('set conf.port')", { conf: {} }) as Error).message).toBe('set conf.port');
  });

  it('conversions', () => {
    expect(f('int', '42')).toBe(42);
    expect(f('int', ' -7 ')).toBe(-7);
    expect(f('int', '3.9')).toBe(3);
    expect(f('int', 'abc')).toBe(0);
    expect(f('int', 'abc', 5)).toBe(5);
    expect(f('int', '0x1A', 0, 16)).toBe(26);
    expect(f('int', true)).toBe(1);
    expect(f('float', '2.5')).toBe(2.5);
    expect(f('float', 'x')).toBe(0);
    expect(f('string', true)).toBe('True');
    expect(f('string', null)).toBe('None');
    expect(f('string', { a: [1, 'x'] })).toBe("{'a': [1, 'x']}");
    expect([f('bool', 'yes'), f('bool', 'On'), f('bool', '1'), f('bool', 1), f('bool', 'no'), f('bool', null), f('bool', 'x')]).toEqual([
      true, true, true, true, false, null, false,
    ]);
    expect([f('type_debug', 'a'), f('type_debug', 1), f('type_debug', 1.5), f('type_debug', [])]).toEqual(['str', 'int', 'float', 'list']);
    expect([f('type_debug', {}), f('type_debug', null), f('type_debug', false)]).toEqual(['dict', 'NoneType', 'bool']);
  });

  it('strings', () => {
    expect(f('length', 'héllo')).toBe(5);
    expect(f('count', [1, 2])).toBe(2);
    expect(f('length', { a: 1 })).toBe(1);
    expect(f('lower', 'AbC')).toBe('abc');
    expect(f('upper', 'AbC')).toBe('ABC');
    expect(f('capitalize', 'hELLO world')).toBe('Hello world');
    expect(f('title', 'hello big-world')).toBe('Hello Big-World');
    expect(f('trim', '  x \n')).toBe('x');
    expect(f('replace', 'a.b.c', '.', '/')).toBe('a/b/c');
    expect(f('replace', 'aaa', 'a', 'b', 1)).toBe('baa');
    expect(f('split', 'a b  c')).toEqual(['a', 'b', 'c']);
    expect(f('split', 'a,b,,c', ',')).toEqual(['a', 'b', '', 'c']);
    expect(f('join', ['a', 1, true], ', ')).toBe('a, 1, True');
    expect(f('quote', "it's here")).toBe(`'it'"'"'s here'`);
    expect(f('quote', 'simple')).toBe('simple');
    expect(f('quote', '')).toBe("''");
    expect(f('indent', 'a\nb\n\nc', 2)).toBe('a\n  b\n\n  c');
    expect(f('b64encode', 'héllo')).toBe('aMOpbGxv');
    expect(f('b64decode', 'aMOpbGxv')).toBe('héllo');
    expect(f('hash', 'abc', 'sha256')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(f('hash', 'abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(f('checksum', 'abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(f('md5', 'abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(() => f('hash', 'abc', 'whirlpool')).toThrow('unsupported hash type whirlpool');
  });

  it('regular expressions use Python syntax', () => {
    expect(f('regex_replace', 'host-01.example.com', '^(?P<host>[a-z]+)-(\\d+).*$', '\\g<host>\\2')).toBe('host01');
    expect(f('regex_replace', 'a1b22', '\\d+', '#')).toBe('a#b#');
    expect(f('regex_replace', 'a1b2', '(\\d)', '<\\1>')).toBe('a<1>b<2>');
    expect(f('regex_replace', 'price', 'price', '$1 each')).toBe('$1 each'); // '$' is literal, as in Python
    expect(f('regex_replace', 'ABC', 'b', 'x', true)).toBe('AxC');
    expect(f('regex_replace', 'aaa', 'a', 'b', false, false, 2)).toBe('bba');
    expect(ev("'line1\\nline2' | regex_replace('^line', 'L', multiline=true)")).toBe('L1\nL2');
    expect(f('regex_search', 'server-42', '\\d+')).toBe('42');
    expect(f('regex_search', 'server-42', 'nope')).toBe(null);
    expect(f('regex_search', 'key=value', '(?P<k>\\w+)=(\\w+)', '\\g<k>', '\\2')).toEqual(['key', 'value']);
    expect(ev("'ABC' | regex_search('b', ignorecase=true)")).toBe('B');
    expect(f('regex_findall', 'a1 b2 c3', '[a-z]\\d')).toEqual(['a1', 'b2', 'c3']);
    expect(f('regex_findall', 'a1 b2', '([a-z])(\\d)')).toEqual([['a', '1'], ['b', '2']]);
    expect(f('regex_findall', 'a1 b2', '[a-z](\\d)')).toEqual(['1', '2']);
    expect(f('regex_escape', 'a.b*c')).toBe('a\\.b\\*c');
    expect(() => f('regex_search', 'x', '(')).toThrow('invalid regular expression');
  });

  it('paths', () => {
    expect(f('basename', '/etc/app/app.conf')).toBe('app.conf');
    expect(f('basename', '/etc/app/')).toBe('');
    expect(f('dirname', '/etc/app/app.conf')).toBe('/etc/app');
    expect(f('dirname', '/app.conf')).toBe('/');
    expect(f('path_join', ['/etc', 'app', 'x.conf'])).toBe('/etc/app/x.conf');
    expect(f('splitext', '/a/b.tar.gz')).toEqual(['/a/b.tar', '.gz']);
    expect(f('splitext', '/a/.bashrc')).toEqual(['/a/.bashrc', '']);
  });

  it('lists', () => {
    expect(f('first', [3, 4])).toBe(3);
    expect(f('last', [3, 4])).toBe(4);
    expect(f('first', [])).toBeUndefined();
    expect(f('list', 'ab')).toEqual(['a', 'b']);
    expect(f('list', { a: 1, b: 2 })).toEqual(['a', 'b']);
    expect(f('unique', [1, 2, 1, { a: 1 }, { a: 1 }, 'A', 'a'])).toEqual([1, 2, { a: 1 }, 'A']);
    expect(ev("['A', 'a'] | unique(case_sensitive=true)")).toEqual(['A', 'a']);
    expect(f('sort', ['b', 'C', 'a'])).toEqual(['a', 'b', 'C']);
    expect(f('sort', ['b', 'C', 'a'], false, true)).toEqual(['C', 'a', 'b']);
    expect(f('sort', [3, 1, 2], true)).toEqual([3, 2, 1]);
    expect(f('sort', users, false, false, 'uid').map((u: unknown) => (u as { uid: number }).uid)).toEqual([1001, 1002, 1003]);
    expect(() => f('sort', [1, 'a'])).toThrow("'<' is not supported between");
    expect(f('reverse', [1, 2, 3])).toEqual([3, 2, 1]);
    expect(f('reverse', 'abc')).toBe('cba');
    expect(f('min', [3, 1, 2])).toBe(1);
    expect(f('max', [3, 1, 2])).toBe(3);
    expect(ev("users | max(attribute='uid') | attr('name')", { users })).toBe('bob');
    expect(f('sum', [1, 2, 3])).toBe(6);
    expect(ev('[[1], [2, 3]] | sum(start=[])')).toEqual([1, 2, 3]);
    expect(f('flatten', [1, [2, [3, [4]]], null])).toEqual([1, 2, 3, 4]);
    expect(f('flatten', [1, [2, [3, [4]]]], 1)).toEqual([1, 2, [3, [4]]]);
    expect(f('difference', [1, 2, 3, 2], [2])).toEqual([1, 3]);
    expect(f('intersect', [1, 2, 3], [3, 2, 9])).toEqual([2, 3]);
    expect(f('union', [1, 2], [2, 3])).toEqual([1, 2, 3]);
    expect(f('symmetric_difference', [1, 2], [2, 3])).toEqual([1, 3]);
    expect(f('zip', [1, 2, 3], ['a', 'b'])).toEqual([[1, 'a'], [2, 'b']]);
    expect(ev("[1, 2] | zip_longest(['a'], fillvalue='-')")).toEqual([[1, 'a'], [2, '-']]);
    expect(f('groupby', users, 'meta.team')).toEqual([
      ['dev', [users[1]]],
      ['ops', [users[0], users[2]]],
    ]);
  });

  it('numbers and logic', () => {
    expect(f('abs', -3)).toBe(3);
    expect(f('round', 2.5)).toBe(2);
    expect(f('round', 3.14159, 2)).toBe(3.14);
    expect(f('round', 3.11, 1, 'ceil')).toBe(3.2);
    expect(f('round', 3.19, 1, 'floor')).toBe(3.1);
    expect(f('ternary', true, 'yes', 'no')).toBe('yes');
    expect(f('ternary', 0, 'yes', 'no')).toBe('no');
    expect(f('ternary', null, 'yes', 'no', 'none')).toBe('none');
  });

  it('dicts', () => {
    expect(f('combine', { a: 1, b: { x: 1 } }, { b: { y: 2 } })).toEqual({ a: 1, b: { y: 2 } });
    expect(ev("{'a': 1, 'b': {'x': 1}} | combine({'b': {'y': 2}}, recursive=true)")).toEqual({ a: 1, b: { x: 1, y: 2 } });
    expect(f('combine', { b: { x: 1 } }, { b: { y: 2 } }, true)).toEqual({ b: { x: 1, y: 2 } });
    expect(f('combine', [{ a: 1 }, { b: 2 }])).toEqual({ a: 1, b: 2 });
    expect(ev("{'l': [1, 2]} | combine({'l': [2, 3]}, list_merge='append_rp')")).toEqual({ l: [1, 2, 3] });
    expect(ev("{'l': [1]} | combine({'l': [2]}, list_merge='prepend')")).toEqual({ l: [2, 1] });
    expect(f('dict2items', { a: 1, b: 2 })).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    expect(f('dict2items', { a: 1 }, 'k', 'v')).toEqual([{ k: 'a', v: 1 }]);
    expect(f('items2dict', [{ key: 'a', value: 1 }])).toEqual({ a: 1 });
    expect(f('items2dict', [{ k: 'a', v: 1 }], 'k', 'v')).toEqual({ a: 1 });
    expect(f('dict', [['a', 1], ['b', 2]])).toEqual({ a: 1, b: 2 });
    expect(ev("['a', 'b'] | zip([1, 2]) | dict")).toEqual({ a: 1, b: 2 });
    expect(f('dictsort', { b: 1, a: 2 })).toEqual([['a', 2], ['b', 1]]);
    expect(ev("['web1'] | map('extract', hv, 'ip') | list", { hv: { web1: { ip: '10.0.0.1' } } })).toEqual(['10.0.0.1']);
  });

  it('serialization', () => {
    expect(f('to_json', { a: [1, 'x'], b: null })).toBe('{"a": [1, "x"], "b": null}');
    expect(f('to_nice_json', { b: 1, a: [1] })).toBe('{\n    "a": [\n        1\n    ],\n    "b": 1\n}');
    expect(f('from_json', '{"a": [1]}')).toEqual({ a: [1] });
    expect(f('to_yaml', { a: [1, 2] })).toBe('a: [1, 2]\n');
    expect(f('to_nice_yaml', { a: { b: 1 } })).toBe('a:\n    b: 1\n');
    expect(f('from_yaml', 'a: [1, 2]\nb: yes')).toEqual({ a: [1, 2], b: true });
    expect(f('from_yaml_all', 'a: 1\n---\nb: 2\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('works with positional arguments only (Handlebars helpers)', () => {
    expect(f('default', undefined, 'fallback')).toBe('fallback');
    expect(f('map', users, 'attr', 'name')).toEqual(['ann', 'bob', 'cyd']);
    expect(f('selectattr', users.slice(0, 2), 'admin')).toEqual([users[0]]);
    expect(() => f('selectattr', users, 'admin')).toThrow("'dict object' has no attribute 'admin'");
    expect(f('selectattr', users, 'uid', '>', 1002)).toEqual([users[1]]);
    expect(f('join', users, ',', 'name')).toBe('ann,bob,cyd');
    expect(f('to_nice_json', { a: 1 }, 2)).toBe('{\n  "a": 1\n}');
    expect(f('sum', users, 'uid')).toBe(3006);
  });
});
