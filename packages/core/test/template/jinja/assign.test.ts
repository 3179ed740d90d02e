import { describe, expect, it } from 'vitest';
import { render } from './render.js';

describe('set', () => {
  it('assigns in the current scope: if blocks share it, loop iterations and with blocks have their own', () => {
    expect(render('{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}')).toBe('2');
    expect(render('{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}')).toBe('1');
    expect(render('{% set x = 1 %}{% with %}{% set x = 2 %}{{ x }}{% endwith %}{{ x }}')).toBe('21');
  });

  it('unpacks tuples', () => {
    expect(render('{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set (c, d) = ["x", "y"] %}{{ c }}{{ d }}')).toBe('12xy');
  });

  it('captures a block, through filters if given', () => {
    expect(render('{% set s %}\nhello {{ n }}\n{% endset %}[{{ s }}]', { n: 3 })).toBe('[hello 3\n]');
    expect(render('{% set u | upper | replace("B", "-") %}abc{% endset %}{{ u }}')).toBe('A-C');
  });

  it('changes a namespace from inside a loop', () => {
    const t = '{% set ns = namespace(found=0, n=0) %}{% for i in items %}{% if i == "b" %}{% set ns.found = loop.index %}{% endif %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.found }} {{ ns.n }}';
    expect(render(t, { items: ['a', 'b', 'c'] })).toBe('2 3');
    expect(render('{% set ns = namespace({"a": 1}, b=2) %}{{ ns.a }}{{ ns.b }}')).toBe('12');
  });

  it('lets variables named like a global win, as Jinja2 does', () => {
    expect(render('{{ namespace }}', { namespace: 'kube-system' })).toBe('kube-system');
  });
});

describe('with', () => {
  it('evaluates its values in the enclosing scope and scopes its names', () => {
    expect(render('{% set a = 5 %}{% with a = 1, b = a %}{{ a }}{{ b }}{% endwith %}{{ a }}')).toBe('155');
  });
});

describe('globals of Jinja2', () => {
  it('joiner and cycler', () => {
    expect(render("{% set j = joiner(', ') %}{% for i in [1, 2, 3] %}{{ j() }}{{ i }}{% endfor %}")).toBe('1, 2, 3');
    expect(render("{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}{{ c.reset() }}{{ c.current }}")).toBe('abab' + 'a');
  });
});
