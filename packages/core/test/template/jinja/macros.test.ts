import { describe, expect, it } from 'vitest';
import { render } from './render.js';

describe('macros', () => {
  it('take positional and named arguments, with defaults that may use earlier parameters', () => {
    const t = "{% macro m(a, b='B', c=a) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(1) }} {{ m(1, 2, 3) }} {{ m(b=6, a=5) }}";
    expect(render(t)).toBe('1B1 123 565');
  });

  it('leave a parameter nobody gives undefined, even when a variable has its name', () => {
    expect(render('{% macro m(a) %}{{ a is defined }}{% endmacro %}{% if m() == "False" or m() == "false" %}undefined{% endif %}', { a: 1 })).toBe('undefined');
  });

  it('collect extra arguments in varargs and kwargs', () => {
    expect(render('{% macro m(a) %}{{ varargs | length }} {{ kwargs.x }}{% endmacro %}{{ m(1, 2, 3, x="X") }}')).toBe('2 X');
  });

  it('see the variables of the template, even those set after them, and can call themselves', () => {
    expect(render('{% macro m() %}{{ y }}{% endmacro %}{% set y = 3 %}{{ m() }}')).toBe('3');
    expect(render('{% macro down(n) %}{{ n }}{% if n > 0 %}{{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(3) }}')).toBe('3210');
  });

  it('refuse an argument given twice', () => {
    expect(() => render('{% macro m(a) %}{% endmacro %}{{ m(1, a=2) }}')).toThrow(/got multiple values for argument 'a'/);
  });
});

describe('call blocks', () => {
  it('give the macro a caller that renders the block', () => {
    expect(render("{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('p') %}in {{ n }}{% endcall %}", { n: 3 })).toBe('<p>in 3</p>');
  });

  it('with parameters the macro passes', () => {
    const t = '{% macro each(xs) %}{% for x in xs %}{{ caller(x, loop.index) }}{% endfor %}{% endmacro %}{% call(item, i) each(items) %}[{{ i }}{{ item }}]{% endcall %}';
    expect(render(t, { items: ['a', 'b'] })).toBe('[1a][2b]');
  });
});

describe('filter blocks', () => {
  it('run the rendered body through the filters', () => {
    expect(render('{% filter upper | replace("A", "4") %}a{{ "b" }}{% endfilter %}')).toBe('4B');
    expect(render('{% filter indent(2) %}\na\nb\n{% endfilter %}')).toBe('a\n  b\n');
  });
});

describe('print', () => {
  it('outputs an expression', () => {
    expect(render('{% print 1 + 2 %}')).toBe('3');
  });
});
