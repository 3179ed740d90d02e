import { describe, expect, it } from 'vitest';
import { ANSIBLE_SYNTAX } from '../../../src/template/jinja/options.js';
import type { TemplateLoader } from '../../../src/template/jinja/renderer.js';
import { compileTemplate } from '../../../src/template/jinja/template.js';
import { render } from './render.js';

const files: Record<string, string> = {
  'part.j2': 'part {{ n }}{{ i | default("") }}\n',
  'context.j2': '{% if local is defined %}local{% endif %}{% if n is defined %} n{% endif %}',
  'macros.j2': '{% set value = 42 %}{% set _hidden = 1 %}{% macro hello(who) %}hello {{ who }}{% endmacro %}{% macro seen() %}{{ n | default("no n") }}{% endmacro %}\nnot output\n',
  'sets.j2': '{% set leaked = 1 %}',
  'loop.j2': '{{ i }}:{{ "defined" if loop is defined else "undefined" }} ',
};
const load: TemplateLoader = (name) => (name in files ? compileTemplate(name, files[name]!, ANSIBLE_SYNTAX) : undefined);
const vars = { n: 3, items: ['a', 'b'] };

describe('include', () => {
  it('renders another template with the current variables, loop variables included', () => {
    expect(render("start\n{% include 'part.j2' %}\n{% for i in items %}{% include 'part.j2' %}{% endfor %}end", vars, {}, load)).toBe('start\npart 3part 3apart 3bend');
  });

  it('takes the first of a list that exists, and ignore missing', () => {
    expect(render("{% include ['missing.j2', 'part.j2'] %}|{% include 'nope.j2' ignore missing %}|", vars, {}, load)).toBe('part 3||');
    expect(() => render("{% include 'nope.j2' %}", vars, {}, load)).toThrow(/template 'nope.j2' not found/);
  });

  it("does not see the enclosing loop's loop variable, as in Jinja2", () => {
    expect(render("{% for i in items %}{% include 'loop.j2' %}{% endfor %}", vars, {}, load)).toBe('a:undefined b:undefined ');
  });

  it('without context, sees none of the variables', () => {
    expect(render("{% set local = 1 %}{% include 'context.j2' without context %}|{% include 'context.j2' %}", vars, {}, load)).toBe('|local n');
  });

  it("keeps the included template's assignments to itself", () => {
    expect(render("{% include 'sets.j2' %}{{ leaked is defined }}", vars, {}, load)).toMatch(/^false$/i);
  });
});

describe('import', () => {
  it('gives the macros and top-level variables of a template, not its output', () => {
    expect(render("{% import 'macros.j2' as m %}{{ m.hello('x') }} {{ m.value }} {{ m._hidden is defined }}", vars, {}, load)).toMatch(/^hello x 42 false$/i);
    expect(render("{% from 'macros.j2' import hello as h, value %}{{ h('y') }}{{ value }}", vars, {}, load)).toBe('hello y42');
  });

  it('without context by default, with context when asked', () => {
    expect(render("{% import 'macros.j2' as m %}{{ m.seen() }}", vars, {}, load)).toBe('no n');
    expect(render("{% from 'macros.j2' import seen with context %}{{ seen() }}", vars, {}, load)).toBe('3');
  });

  it('refuses a name the template does not define, and names starting with _', () => {
    expect(() => render("{% from 'macros.j2' import nothing %}", vars, {}, load)).toThrow(/does not define 'nothing'/);
    expect(() => render("{% from 'macros.j2' import _hidden %}", vars, {}, load)).toThrow(/underscore/);
  });
});
