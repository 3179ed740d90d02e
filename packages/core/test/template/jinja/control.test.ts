import { describe, expect, it } from 'vitest';
import { render } from './render.js';

const vars = { items: ['a', 'b', 'c'], d: { x: 1, y: 2 }, n: 3 };

describe('if', () => {
  it('takes the first true branch, else the else branch', () => {
    const t = '{% if n > 5 %}big{% elif n > 2 %}mid{% elif n > 0 %}small{% else %}none{% endif %}';
    expect(render(t, { n: 7 })).toBe('big');
    expect(render(t, { n: 3 })).toBe('mid');
    expect(render(t, { n: 1 })).toBe('small');
    expect(render(t, { n: 0 })).toBe('none');
  });

  it('judges values as Python does, and tests undefined variables with is defined', () => {
    expect(render("{% if [] %}a{% endif %}{% if {} %}b{% endif %}{% if '' %}c{% endif %}{% if 'x' %}d{% endif %}{% if missing is defined %}e{% endif %}")).toBe('d');
  });
});

describe('for', () => {
  it('gives loop.index, index0, revindex, revindex0, first, last, length and depth', () => {
    const t = '{% for i in items %}{{ i }}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.length }}{{ loop.depth }}{{ loop.depth0 }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %} {% endfor %}';
    expect(render(t, vars)).toBe('a1032310F b2121310 c3210310L ');
  });

  it('gives previtem and nextitem where there is one', () => {
    expect(render("{% for i in items %}{{ loop.previtem | default('-') }}{{ i }}{{ loop.nextitem | default('-') }} {% endfor %}", vars)).toBe('-ab abc bc- ');
  });

  it('cycles and tells changes', () => {
    expect(render("{% for i in [1, 1, 2, 2, 3] %}{% if loop.changed(i) %}<{{ i }}>{% endif %}{{ loop.cycle('o', 'e') }}{% endfor %}")).toBe('<1>oe<2>oe<3>o');
  });

  it('renders else when there is nothing to loop over', () => {
    expect(render('{% for i in [] %}x{% else %}empty{% endfor %}')).toBe('empty');
    expect(render('{% for i in items if i == "z" %}x{% else %}none matched{% endfor %}', vars)).toBe('none matched');
  });

  it('filters items with if, and loop counts the kept ones', () => {
    expect(render('{% for i in range(10) if i is even %}{{ i }}/{{ loop.length }}{% if loop.last %}!{% endif %} {% endfor %}')).toBe('0/5 2/5 4/5 6/5 8/5! ');
  });

  it("goes through a dict's keys, and unpacks items() into names", () => {
    expect(render('{% for k in d %}{{ k }}{% endfor %} {% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}', vars)).toBe('xy x=1;y=2;');
    expect(render('{% for a, (b, c) in [[1, [2, 3]]] %}{{ a }}{{ b }}{{ c }}{% endfor %}')).toBe('123');
    expect(render('{% for c in "ab" %}[{{ c }}]{% endfor %}')).toBe('[a][b]');
  });

  it('loops over implicit tuples', () => {
    expect(render('{% for i in 1, 2 %}{{ i }}{% endfor %}')).toBe('12');
  });

  it('gives the innermost loop as loop', () => {
    expect(render('{% for a in [1, 2] %}{% for b in [3, 4] %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{% endfor %}')).toBe('113 214 123 224 ');
  });

  it('calls loop() in a recursive loop, one level deeper', () => {
    const tree = [{ name: 'a', children: [{ name: 'b', children: [] }, { name: 'c', children: [{ name: 'd', children: [] }] }] }];
    const t = '{% for n in tree recursive %}{{ n.name }}{{ loop.depth }}{% if n.children %}({{ loop(n.children) }}){% endif %}{% endfor %}';
    expect(render(t, { tree })).toBe('a1(b2c2(d3))');
  });

  it('keeps assignments inside an iteration', () => {
    expect(render('{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = i * 10 %}{{ x }} {% endfor %}{{ x }}')).toBe('110 120 1');
  });
});
