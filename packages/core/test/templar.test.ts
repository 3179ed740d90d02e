import Handlebars from 'handlebars';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KbrunError } from '../src/errors/kbrun-error.js';
import { OMIT, Templar } from '../src/template/templar.js';

const vars = {
  list: ['a', 'b'],
  num: 8080,
  obj: { k: 1 },
  flag: true,
  x: 'hi',
  html: '<a&b>',
  items: [1, 2, 3],
  server: { name: 'web01' },
  first: 'the variable',
  omit: OMIT,
};

const templar = new Templar();
const render = (text: string, extra: Record<string, unknown> = {}) => templar.render(text, { ...vars, ...extra });

/** The KbrunError a render throws. */
function renderError(text: string, extra: Record<string, unknown> = {}): KbrunError {
  try {
    render(text, extra);
  } catch (error) {
    expect(error).toBeInstanceOf(KbrunError);
    return error as KbrunError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('Templar.render', () => {
  it.each([
    ['{{ list }}', ['a', 'b']],
    ['{{ num }}', 8080],
    ['{{ obj }}', { k: 1 }],
    ['{{ flag }}', true],
    ['{{server.name}}', 'web01'],
  ])('%s keeps its native type', (text, value) => {
    expect(render(text)).toEqual(value);
  });

  it.each([
    ['l={{ list }}', "l=['a', 'b']"],
    ['o={{ obj }} n={{ num }}', "o={'k': 1} n=8080"],
    ['{{#if flag}}{{ obj }}{{/if}}', "{'k': 1}"],
    ['plain text', 'plain text'],
  ])('%s renders as text %s', (text, expected) => {
    expect(render(text)).toBe(expected);
  });

  it.each([
    ["{{default missing 'y'}}", 'y'],
    ["{{default missing.deep 'y'}}", 'y'],
    ['{{upper x}}', 'HI'],
    ["{{join list ','}}", 'a,b'],
    ["items: {{join list ', '}}.", 'items: a, b.'],
  ])('helper %s gives %j', (text, expected) => {
    expect(render(text)).toBe(expected);
  });

  it.each(['{{ first }}', '{{first}} ', '{{#if flag}}{{first}}{{/if}}'])('a variable wins over the helper of the same name in %j', (text) => {
    expect(String(render(text)).trim()).toBe('the variable');
  });

  it.each([
    ['{{ nothing }}', 'nothing'],
    ['{{ server.port }}', 'server.port'],
    ['{{ missing.port }}', 'missing'],
    ['port={{ missing.port }}', 'missing'],
    ['{{#if flag}}{{ missing.port }}{{/if}}', 'missing'],
  ])('%s fails with E_UNDEFINED_VAR naming %s', (text, name) => {
    const error = renderError(text);
    expect(error.code).toBe('E_UNDEFINED_VAR');
    expect(error.message).toMatch(new RegExp(`^'${name.replace('.', '\\.')}' is undefined`));
  });

  it('runs Handlebars blocks', () => {
    expect(render('{{#each list}}[{{this}}]{{/each}}')).toBe('[a][b]');
    expect(render('{{#each obj}}{{@key}}={{this}}{{/each}}')).toBe('k=1');
    expect(render('{{#if flag}}yes{{else}}no{{/if}}/{{#if nope}}yes{{else}}no{{/if}}', { nope: false })).toBe('yes/no');
  });

  it.each([
    ['{{ items | length }}', 3],
    ['n={{ items | length }}', 'n=3'],
    ["{{ missing | default('d') }}", 'd'],
    ["{{ list[0] ~ '.conf' }}", 'a.conf'],
    ['{{ num > 80 }}', true],
    // space-separated words parse as Handlebars (a call of `'a'`, `not`, `x`) but only Jinja gives them a meaning
    ["{{ 'a' if flag else 'b' }}", 'a'],
    ['{{ not flag }}', false],
    ['{{ x is defined }}', true],
    ['{{ flag and num }}', 8080],
    ["v={{ 'a' if flag else 'b' }}", 'v=a'],
  ])('falls back to the Ansible expression language for %s', (text, expected) => {
    expect(render(text)).toEqual(expected);
  });

  it.each([
    ['{{ html }}', '<a&b>'],
    ['v={{ html }}', 'v=<a&b>'],
    ['{{#if flag}}{{ html }}{{/if}}', '<a&b>'],
  ])('does not escape HTML in %s', (text, expected) => {
    expect(render(text)).toBe(expected);
  });

  it.each(['{{ constructor }}', '{{ x.__proto__ }}', '{{ x.constructor.name }}', '{{ obj.constructor.name }}', 'v={{ obj.constructor.name }}', '{{#if flag}}{{ obj.constructor.name }}{{/if}}', '{{#with obj}}{{constructor}}{{/with}}'])(
    '%s does not reach prototypes',
    (text) => {
      expect(renderError(text).code).toBe('E_UNDEFINED_VAR');
    },
  );
});

describe('Templar.render as Ansible renders strings (issue 11)', () => {
  it.each([
    ["{% for h in list %}{{ h }}{% if not loop.last %},{% endif %}{% endfor %}", 'a,b'],
    ["{% if flag %}primary{% else %}replica{% endif %}", 'primary'],
    ["{% for k, v in {'z': 1, 'y': 2}.items() %}{{ k }}{{ v }} {% endfor %}", 'z1 y2 '],
    ['{% set n = namespace(t=0) %}{% for i in items %}{% set n.t = n.t + i %}{% endfor %}{{ n.t }}', '6'],
    ['{# a comment #}text', 'text'],
    // trim_blocks, and the text's trailing newlines kept (Jinja2 drops one, Ansible puts it back)
    ['{% for i in items %}\n{{ i }}\n{% endfor %}\n', '1\n2\n3\n'],
    ['x {# no end', 'x {# no end'],
  ])('runs Jinja2 statements in %j', (text, expected) => {
    expect(render(text)).toBe(expected);
  });

  it('doubles backslashes in the string literals of a statement text\'s {{ }}, as Ansible does', () => {
    expect(render("{% if flag %}{{ 'a1b22' | regex_findall('\\d+') }}{% endif %}")).toEqual(['1', '22']);
  });

  it.each([
    ['[{{ num }}, {{ num }}]', [8080, 8080]],
    ['{{ s }}', true, { s: 'True' }],
    ['{{ s }}', { a: [1, true, null] }, { s: '{"a": [1, true, null]}' }],
    ["{% if flag %}[1, 'x']{% endif %}", [1, 'x']],
    ["[{% for h in list %}'{{ h }}',{% endfor %}]", ['a', 'b']],
    ['[{{ x }}]', '[hi]'],
    ['{{ s }}', '[1, none]', { s: '[1, none]' }],
    ['{{ s }}', '{not python}', { s: '{not python}' }],
    ['{{ s }}', 'true', { s: 'true' }],
    // the output of a filter that makes text stays text
    ['{{ obj | to_json }}', '{"k": 1}'],
    ['{{ s | string }}', 'True', { s: 'True' }],
  ])('%s: text that reads as a Python literal becomes that value, as in Ansible', (text, expected, extra = {}) => {
    expect(render(text, extra)).toEqual(expected);
  });

  it('keeps a lone number native in arguments, but shows it as Ansible does with renderDeepAsText (debug msg)', () => {
    expect(render('{{ num + 1 }}')).toBe(8081);
    expect(templar.renderDeepAsText('{{ num + 1 }}', vars)).toBe('8081');
    expect(templar.renderDeepAsText(['{{ items | length }}', '{{ 4 / 2 }}'], vars)).toEqual(['3', '2.0']);
    // a bare variable keeps its type in Ansible too
    expect(templar.renderDeepAsText('{{ num }}', vars)).toBe(8080);
    expect(templar.renderDeepAsText('{{ num > 1 }}', vars)).toBe(true);
    expect(templar.renderDeepAsText('{{ items | unique }}', vars)).toEqual([1, 2, 3]);
    // a none gives nothing, except from a bare variable; a bare name that is no variable is an expression
    expect(templar.renderDeepAsText(['{{ none }}', '{{ nothing | default(none) }}', '{{ nv }}'], { ...vars, nv: null })).toEqual(['', '', null]);
  });
});

describe('Templar.renderDeep', () => {
  it('renders nested lists and mappings and drops omitted values', () => {
    const value = { a: '{{ omit }}', b: ['x', '{{ omit }}', '{{ num }}'], c: { d: '{{ omit }}', e: 1, f: '{{ x }}!' }, g: null };
    expect(templar.renderDeep(value, vars)).toEqual({ b: ['x', 8080], c: { e: 1, f: 'hi!' }, g: null });
  });
});

describe('Templar compile cache', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('parses each distinct text once', () => {
    const create = Handlebars.create.bind(Handlebars);
    const parses: string[] = [];
    vi.spyOn(Handlebars, 'create').mockImplementation(() => {
      const hb = create();
      const parse = hb.parse.bind(hb);
      hb.parse = ((input: unknown, options?: unknown) => {
        if (typeof input === 'string') parses.push(input); // compile() passes the already-parsed AST back in
        return parse(input as string, options as never);
      }) as typeof hb.parse;
      return hb;
    });
    const cached = new Templar();
    for (let i = 0; i < 1000; i++) expect(cached.render('{{#each list}}{{this}}{{/each}} {{ n }}', { list: ['a'], n: i })).toBe(`a ${i}`);
    expect(cached.render('other {{ n }}', { n: 1 })).toBe('other 1');
    expect(parses).toEqual(['{{#each list}}{{this}}{{/each}} {{ n }}', 'other {{ n }}']);
  });
});
