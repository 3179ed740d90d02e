import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionError, UndefinedVariableError } from '../../src/expr/index.js';
import { PyTuple } from '../../src/expr/py-tuple.js';

const ev = (source: string, vars: Record<string, unknown> = {}): unknown => compileExpression(source).evaluate(vars);

/** The error thrown while evaluating `source`. */
function evalError(source: string, vars: Record<string, unknown> = {}): Error {
  const compiled = compileExpression(source);
  try {
    compiled.evaluate(vars);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected '${source}' to throw`);
}

const vars = {
  result: { rc: 0, stdout: 'ok\nready', stderr: 'error: group already exists', changed: false, failed: false },
  failing: { rc: 2, stderr: 'permission denied', changed: true, failed: true },
  item: { name: 'web1', status: 'off' },
  servers: ['a', 'b'],
  empty: [],
  users: [
    { name: 'ann', uid: 1001, admin: true, groups: ['wheel'] },
    { name: 'bob', uid: 1002, admin: false, groups: [] },
    { name: 'cyd', uid: 1003, groups: ['wheel', 'docker'] },
  ],
  config: { port: 8080, tls: { enabled: true } },
  nothing: null,
  omit: '__omit_place_holder__',
};

describe('the conditions tasks use', () => {
  it('result.rc == 0', () => {
    expect(ev('result.rc == 0', vars)).toBe(true);
    expect(ev('failing.rc == 0', vars)).toBe(false);
  });

  it("result.rc != 0 and 'already exists' not in result.stderr", () => {
    const src = "result.rc != 0 and 'already exists' not in result.stderr";
    expect(ev(src, vars)).toBe(false);
    expect(ev(src, { result: { rc: 1, stderr: 'boom' } })).toBe(true);
    expect(ev(src, { result: { rc: 1, stderr: 'group already exists' } })).toBe(false);
  });

  it("item.status in ['running', 'off']", () => {
    expect(ev("item.status in ['running', 'off']", vars)).toBe(true);
    expect(ev("item.status in ['running', 'off']", { item: { status: 'stopped' } })).toBe(false);
  });

  it('servers | length > 0', () => {
    expect(ev('servers | length > 0', vars)).toBe(true);
    expect(ev('empty | length > 0', vars)).toBe(false);
  });

  it('x is defined / x is not defined / x is undefined', () => {
    expect(ev('x is defined', vars)).toBe(false);
    expect(ev('x is not defined', vars)).toBe(true);
    expect(ev('x is undefined', vars)).toBe(true);
    expect(ev('result is defined', vars)).toBe(true);
    expect(ev('result.rc is defined', vars)).toBe(true);
    expect(ev('result.nope is defined', vars)).toBe(false);
    expect(ev('x.y.z is defined', vars)).toBe(false);
    expect(ev('nothing is defined', vars)).toBe(true); // none is a value
    expect(ev('nothing.attr is defined', vars)).toBe(false);
    expect(ev('users[7] is defined', vars)).toBe(false);
    expect(ev('users[0].name is defined', vars)).toBe(true);
  });

  it('not result.changed', () => {
    expect(ev('not result.changed', vars)).toBe(true);
    expect(ev('not failing.changed', vars)).toBe(false);
  });

  it('guards with and/or short-circuit', () => {
    expect(ev('x is defined and x.y == 1', vars)).toBe(false);
    expect(ev('x is not defined or x.y == 1', vars)).toBe(true);
    expect(ev("nothing or 'fallback'", vars)).toBe('fallback');
    expect(ev("servers and servers[0]", vars)).toBe('a');
  });
});

describe('undefined variables', () => {
  it('names the undefined top-level variable', () => {
    const e = evalError('missing == 1', vars);
    expect(e).toBeInstanceOf(UndefinedVariableError);
    expect((e as UndefinedVariableError).variable).toBe('missing');
    expect(e.message).toBe("'missing' is undefined");
  });

  it('names the dotted path of a missing attribute', () => {
    const e = evalError('result.rx == 0', vars) as UndefinedVariableError;
    expect(e).toBeInstanceOf(UndefinedVariableError);
    expect(e.variable).toBe('result.rx');
    expect(e.message).toContain("did you mean 'rc'");
    expect((evalError('config.tls.cert.path', vars) as UndefinedVariableError).variable).toBe('config.tls.cert');
    expect((evalError("config['tls']['x']", vars) as UndefinedVariableError).variable).toBe('config.tls.x');
    expect((evalError('users[5].name', vars) as UndefinedVariableError).variable).toBe('users[5]');
    expect((evalError('nothing.attr', vars) as UndefinedVariableError).variable).toBe('nothing.attr');
    expect((evalError('resultt.rc', vars) as UndefinedVariableError).message).toContain("did you mean 'result'");
  });

  it('default tolerates undefined nested paths', () => {
    expect(ev("x.y | default('z')", vars)).toBe('z');
    expect(ev("result.missing.deeper | default('z')", vars)).toBe('z');
    expect(ev("users[9].name | d('nobody')", vars)).toBe('nobody');
    expect(ev('missing | default(omit)', vars)).toBe('__omit_place_holder__');
    expect(ev("result.rc | default('z')", vars)).toBe(0);
    expect(ev("nothing | default('z')", vars)).toBe(null); // none is defined
    expect(ev("'' | default('z', true)", vars)).toBe('z');
    expect(ev('config.port | default(80) + 1', vars)).toBe(8081);
  });

  it('other filters do not tolerate undefined operands', () => {
    expect(evalError('missing | length', vars)).toBeInstanceOf(UndefinedVariableError);
    expect(evalError("missing | lower | default('x')", vars)).toBeInstanceOf(UndefinedVariableError);
  });

  it('ternaries return undefined without else', () => {
    expect(ev("'a' if false", vars)).toBeUndefined();
  });
});

describe('Python-like semantics', () => {
  it('== is deep equality', () => {
    expect(ev("[1, {'a': [2, 3]}] == [1, {'a': [2, 3]}]")).toBe(true);
    expect(ev("{'a': 1, 'b': 2} == {'b': 2, 'a': 1}")).toBe(true);
    expect(ev("{'a': 1} == {'a': 1, 'b': 2}")).toBe(false);
    expect(ev("[1, 2] != [2, 1]")).toBe(true);
    expect(ev('x == y', { x: { k: [1, { z: null }] }, y: { k: [1, { z: null }] } })).toBe(true);
    expect(ev("1 == 1.0")).toBe(true);
    expect(ev("'1' == 1")).toBe(false);
    expect(ev('true == 1')).toBe(true);
    expect(ev('none == none')).toBe(true);
    expect(ev('[] == {}')).toBe(false);
  });

  it('in is substring, membership or key', () => {
    expect(ev("'ell' in 'hello'")).toBe(true);
    expect(ev("{'a': 1} in [{'a': 1}]")).toBe(true);
    expect(ev("'port' in config", vars)).toBe(true);
    expect(ev("'nope' not in config", vars)).toBe(true);
    expect(ev("'constructor' in config", vars)).toBe(false);
    expect(evalError("1 in 'abc'")).toBeInstanceOf(ExpressionError);
    expect(evalError("'a' in nothing", vars).message).toContain('not NoneType');
  });

  it('arithmetic and concatenation', () => {
    expect(ev("'a' + 'b'")).toBe('ab');
    expect(ev('[1] + [2, 3]')).toEqual([1, 2, 3]);
    expect(ev('7 / 2')).toBe(3.5);
    expect(ev('7 // 2')).toBe(3);
    expect(ev('-7 // 2')).toBe(-4);
    expect(ev('-7 % 3')).toBe(2);
    expect(ev('2 ** 8')).toBe(256);
    expect(ev("'ab' * 2")).toBe('abab');
    expect(ev('[0] * 3')).toEqual([0, 0, 0]);
    expect(ev("'n=' ~ 1 ~ ' ' ~ true ~ ' ' ~ none")).toBe('n=1 True None');
    expect(ev("'l=' ~ [1, 'a']")).toBe("l=[1, 'a']");
    expect(ev('true + 1')).toBe(2);
  });

  it('type errors are clear and located', () => {
    const e = evalError("'a' + 1") as ExpressionError;
    expect(e).toBeInstanceOf(ExpressionError);
    expect(e.message).toContain('unsupported operand types for +: str and int');
    expect(e.offset).toBe(4);
    const c = evalError("config.port > '80'", vars) as ExpressionError;
    expect(c.message).toContain("'>' is not supported between int and str");
    expect(c.offset).toBe(12);
    expect(evalError('1 / 0').message).toContain('division by zero');
    expect(evalError('nothing < 1', vars).message).toContain('NoneType');
    expect(evalError("'x' * 100000000").message).toContain('too large');
  });

  it('orders numbers, strings and lists', () => {
    expect(ev("'abc' < 'abd'")).toBe(true);
    expect(ev('[1, 2] < [1, 3]')).toBe(true);
    expect(ev('[1, 2] < [1, 2, 0]')).toBe(true);
    expect(ev('2.5 >= 2')).toBe(true);
  });
});

describe('methods', () => {
  it('string methods', () => {
    const v = { s: '  Hello, World  ', p: '/etc/app.conf' };
    expect(ev("p.startswith('/etc')", v)).toBe(true);
    expect(ev("p.startswith(['/usr', '/etc'])", v)).toBe(true);
    expect(ev("p.endswith('.conf')", v)).toBe(true);
    expect(ev('s.strip()', v)).toBe('Hello, World');
    expect(ev("s.strip().split(', ')", v)).toEqual(['Hello', 'World']);
    expect(ev('s.split()', v)).toEqual(['Hello,', 'World']);
    expect(ev("'a,b,c'.split(',', 1)")).toEqual(['a', 'b,c']);
    expect(ev("'xxhixx'.lstrip('x')")).toBe('hixx');
    expect(ev("'xxhixx'.rstrip('x')")).toBe('xxhi');
    expect(ev("'Ab'.lower() ~ 'Ab'.upper()")).toBe('abAB');
    expect(ev("'aaa'.replace('a', 'b', 2)")).toBe('bba');
    expect(ev("'hello'.find('l')")).toBe(2);
    expect(ev("'hello'.find('z')")).toBe(-1);
    expect(ev("'hello'.count('l')")).toBe(2);
    expect(ev("', '.join(['a', 'b'])")).toBe('a, b');
    expect(ev("result.stdout.splitlines()", vars)).toEqual(['ok', 'ready']);
  });

  it("str.format and the other string methods roles use, as Python's (issue 11)", () => {
    expect(ev("'{}-{}'.format('a', 1)")).toBe('a-1');
    expect(ev("'{0}:{1}/{0}'.format('h', 80)")).toBe('h:80/h');
    expect(ev("'{name}={value!r}'.format(name='k', value='v')")).toBe("k='v'");
    expect(ev("'{:>5}|{:<4}|{:^7}|{:05d}|{:.2f}|{:,}|{:x}|{:+d}'.format('ab', 'c', 'mid', 42, 3.14159, 1234567, 255, 3)")).toBe('   ab|c   |  mid  |00042|3.14|1,234,567|ff|+3');
    expect(ev("'{0[a]} {0[b][1]} {{literal}}'.format(d)", { d: { a: 1, b: [2, 3] } })).toBe('1 3 {literal}');
    expect(ev("'{:.1%}'.format(0.256)")).toBe('25.6%');
    expect(ev("'{}'.format(true)")).toBe('True');
    expect(ev("'7'.zfill(3) ~ '|' ~ '-7'.zfill(4) ~ '|' ~ 'ab'.ljust(4, '.') ~ '|' ~ 'ab'.rjust(4) ~ '|' ~ 'ab'.center(5, '*')")).toBe('007|-007|ab..|  ab|**ab*');
    expect(ev("'k=v=w'.partition('=')")).toEqual(['k', '=', 'v=w']);
    expect(ev("'a.b.c'.rpartition('.')[2] ~ 'v1.2'.removeprefix('v') ~ 'x.conf'.removesuffix('.conf')")).toBe('c1.2x');
    expect(ev("'42'.isnumeric() and not 'x'.isdecimal()")).toBe(true);
    expect(() => ev("'{} {}'.format(1)")).toThrow(/out of range/);
  });

  it('list and dict methods', () => {
    expect(ev("['a', 'b'].index('b')")).toBe(1);
    expect(ev('[1, 1, 2].count(1)')).toBe(2);
    expect(ev('config.keys()', vars)).toEqual(['port', 'tls']);
    expect(ev('config.values() | length', vars)).toBe(2);
    expect(ev('config.items()[0]', vars)).toEqual(['port', 8080]);
    expect(compileExpression('(config.items() | list)[0]').evaluatePython(vars)).toBeInstanceOf(PyTuple); // tuples, as Python's dict.items()
    expect(ev("config.get('port')", vars)).toBe(8080);
    expect(ev("config.get('nope', 1)", vars)).toBe(1);
    expect(ev("config.get('nope')", vars)).toBe(null);
  });

  it('refuses methods that do not exist for the receiver type', () => {
    expect(evalError("[1].split(',')").message).toContain("lists have no method 'split'");
    expect(evalError('nothing.lower()', vars).message).toContain("NoneType has no method 'lower'");
    expect(evalError("'a'.index('z')").message).toContain('substring not found');
  });
});

describe('hostvars-style Proxies', () => {
  const host = { ansible_host: '10.0.0.1', port: 22 };
  const hostvars = new Proxy({} as Record<string, unknown>, {
    getOwnPropertyDescriptor: (_t, key) =>
      key === 'web1' ? { value: host, writable: false, enumerable: true, configurable: true } : undefined,
    get: (_t, key) => (key === 'web1' ? host : undefined),
    ownKeys: () => ['web1'],
  });

  it('reads through own-property checks', () => {
    expect(ev("hostvars['web1'].ansible_host", { hostvars })).toBe('10.0.0.1');
    expect(ev('hostvars.web1.port + 1', { hostvars })).toBe(23);
    expect(ev("hostvars['web2'] is defined", { hostvars })).toBe(false);
    expect(ev("'web1' in hostvars", { hostvars })).toBe(true);
    expect((evalError('hostvars.web2.port', { hostvars }) as UndefinedVariableError).variable).toBe('hostvars.web2');
  });
});

describe('performance', () => {
  it('evaluates a compiled condition 50,000 times quickly', () => {
    const c = compileExpression("result.rc == 0 and item.status in ['running', 'off'] and x is not defined");
    const start = performance.now();
    let n = 0;
    for (let i = 0; i < 50_000; i++) if (c.evaluate(vars)) n++;
    expect(n).toBe(50_000);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
