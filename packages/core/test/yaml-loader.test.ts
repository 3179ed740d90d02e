import { describe, expect, it } from 'vitest';
import { KbrunError, KbrunErrors } from '../src/errors/kbrun-error.js';
import { locationOf, parseYaml, valueLocationOf } from '../src/source/yaml-loader.js';
import { Templar } from '../src/template/templar.js';

/** Parses one document. */
function one(text: string, file = 'test.yml'): any {
  return parseYaml(text, file)[0];
}

/** The KbrunErrors a parse throws (fails the test when it does not throw). */
function parseErrors(text: string, file = 'bad.yml'): KbrunErrors {
  try {
    parseYaml(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(KbrunErrors);
    return error as KbrunErrors;
  }
  throw new Error('expected parseYaml to throw');
}

describe('parseYaml locations', () => {
  const text = ['name: demo', 'server:', '  port: 8080', '  tags:', '    - a', '    - { b: 1 }', ''].join('\n');
  const doc = one(text, 'loc.yml');

  it('gives 1-based line/col of keys and values', () => {
    expect(locationOf(doc, 'name')).toMatchObject({ file: 'loc.yml', line: 1, col: 1 });
    expect(valueLocationOf(doc, 'name')).toMatchObject({ line: 1, col: 7 });
    expect(locationOf(doc, 'server')).toMatchObject({ line: 2, col: 1 });
  });

  it('tracks nested maps and lists', () => {
    expect(locationOf(doc.server)).toMatchObject({ line: 3, col: 3 });
    expect(locationOf(doc.server, 'port')).toMatchObject({ line: 3, col: 3 });
    expect(valueLocationOf(doc.server, 'port')).toMatchObject({ line: 3, col: 9 });
    expect(locationOf(doc.server.tags)).toMatchObject({ line: 5, col: 5 });
    expect(valueLocationOf(doc.server.tags, 0)).toMatchObject({ line: 5, col: 7 });
    expect(valueLocationOf(doc.server.tags, 1)).toMatchObject({ line: 6, col: 7 });
    expect(locationOf(doc.server.tags[1], 'b')).toMatchObject({ line: 6, col: 9 });
  });

  it('falls back to the object itself for an unknown key and gives nothing for scalars', () => {
    expect(locationOf(doc.server, 'missing')).toEqual(locationOf(doc.server));
    expect(locationOf('text')).toBeUndefined();
    expect(locationOf({ not: 'loaded' })).toBeUndefined();
  });
});

describe('parseYaml scalars (PyYAML-compatible)', () => {
  const booleans = ['yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'].map((w) => [w, true] as const);
  const falses = ['no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'].map((w) => [w, false] as const);

  it.each([...booleans, ...falses])('%s is the boolean %s', (word, value) => {
    expect(one(`v: ${word}`).v).toBe(value);
  });

  it.each(['y', 'n', 'Y', 'N', 'yEs', 'oN'])('%s stays a string', (word) => {
    expect(one(`v: ${word}`).v).toBe(word);
  });

  it.each([
    ['0644', 420],
    ['"0644"', '0644'],
    ['~', null],
    ['', null],
    ['12', 12],
    ['1.5', 1.5],
  ])('%s parses as %j', (text, value) => {
    expect(one(`v: ${text}`).v).toBe(value);
  });

  it('reads a timestamp as the text written, as Python prints a date (issue 11)', () => {
    expect(one('v: 2020-01-02').v).toBe('2020-01-02');
  });

  it('keeps a !unsafe string from the templar: rendering it gives it back as written (issue 11)', () => {
    const unsafe = one("v: !unsafe '{{.Names}} {{ .Status }}'\nw: !unsafe plain").v as string;
    expect(new Templar().render(unsafe, {})).toBe('{{.Names}} {{ .Status }}');
    expect(new Templar().render(`x ${unsafe}`, {})).toBe('x {{.Names}} {{ .Status }}');
    expect(one('w: !unsafe plain').w).toBe('plain');
  });
});

describe('parseYaml merge keys', () => {
  it('merges an anchored map; explicit keys win wherever they are written', () => {
    const doc = one(['base: &base', '  a: 1', '  b: 2', 'after:', '  <<: *base', '  b: 3', 'before:', '  b: 3', '  <<: *base', ''].join('\n'));
    expect(doc.after).toEqual({ a: 1, b: 3 });
    expect(doc.before).toEqual({ b: 3, a: 1 });
    expect(valueLocationOf(doc.after, 'a')).toMatchObject({ line: 2, col: 6 });
  });

  it('takes earlier maps first in a merge list', () => {
    const doc = one(['x: &x { a: 1 }', 'y: &y { a: 2, b: 2 }', 'z:', '  <<: [*x, *y]', ''].join('\n'));
    expect(doc.z).toEqual({ a: 1, b: 2 });
  });

  it('keeps keys named like Object.prototype members as plain data (__proto__ never becomes a prototype)', () => {
    const doc = one(['m: &m { toString: 1, constructor: 2 }', 'p:', '  __proto__: { polluted: true }', '  <<: *m', ''].join('\n'));
    const p = doc.p as Record<string, unknown>;
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect((p as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(p).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(p, '__proto__')?.value).toEqual({ polluted: true });
    expect(p['toString']).toBe(1);
  });
});

describe('parseYaml errors', () => {
  it('reports a duplicate key as E_YAML_SYNTAX', () => {
    const { errors } = parseErrors('a: 1\nb: 2\na: 3\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(KbrunError);
    expect(errors[0]!.code).toBe('E_YAML_SYNTAX');
    expect(errors[0]!.message).toMatch(/unique/);
  });

  it('collects the syntax errors of every document', () => {
    const { errors } = parseErrors('a: 1\na: 2\n---\nb: [1, 2\n');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((e) => e.code === 'E_YAML_SYNTAX' && e.location?.file === 'bad.yml')).toBe(true);
  });

  it('locates errors at their line/col', () => {
    expect(parseErrors('a: 1\nb: 2\na: 3\n').errors[0]!.location).toMatchObject({ line: 3, col: 1 });
    expect(parseErrors('x: 1\n  y: 2\n').errors[0]!.location).toMatchObject({ line: 1, col: 4 });
  });

  it('renders file:line:col: CODE message, the source line and a caret under the column', () => {
    parseYaml('ok: 1\nkey: value\n', 'render.yml'); // remembers the source text for the excerpt
    const error = new KbrunError('E_SCHEMA', 'bad value', { location: { file: 'render.yml', line: 2, col: 6, length: 5 }, hint: 'fix it' });
    expect(error.render().split('\n')).toEqual(['render.yml:2:6: E_SCHEMA bad value', '2 | key: value', '         ^^^^^', 'hint: fix it']);
  });

  it('renders a YAML error with its location, excerpt and caret', () => {
    const { errors } = parseErrors('key: value\nkey: again\n', 'render2.yml');
    const [head, excerpt, caret] = errors[0]!.render().split('\n');
    expect(head).toMatch(/^render2\.yml:\d+:\d+: E_YAML_SYNTAX YAML syntax error: \S/);
    expect(excerpt).toMatch(/^\d+ \| key: /);
    expect(caret).toMatch(/^ +\^+$/);
  });
});
