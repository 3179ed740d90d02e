import { describe, expect, it } from 'vitest';
import { render } from './render.js';

// Jinja2's whitespace rules with Ansible's settings (trim_blocks on, lstrip_blocks off), each checked against Jinja2 3.1.
describe('whitespace control', () => {
  it('trim_blocks removes the newline after a block tag, not after an output', () => {
    expect(render('{% if true %}\nyes\n{% endif %}\nafter\n')).toBe('yes\nafter');
    expect(render('{{ 1 }}\n{{ 2 }}\n')).toBe('1\n2');
  });

  it('without trim_blocks the newlines stay', () => {
    expect(render('{% if true %}\nyes\n{% endif %}\nafter', {}, { trimBlocks: false })).toBe('\nyes\n\nafter');
  });

  it('keeps the indentation before a block tag unless lstrip_blocks', () => {
    expect(render('  {% if true %}\n  yes\n  {% endif %}\nafter')).toBe('    yes\n  after');
    expect(render('  {% if true %}\n  yes\n  {% endif %}\nafter', {}, { lstripBlocks: true })).toBe('  yes\nafter');
  });

  it('lstrip_blocks leaves text before a tag on the same line alone, and outputs alone', () => {
    expect(render('x {% if true %}y{% endif %}\n  {{ 1 }}', {}, { lstripBlocks: true })).toBe('x y  1');
  });

  it('- strips all whitespace on its side, newlines included', () => {
    expect(render('a  \n  {%- if true -%}  \n  yes  \n  {%- endif -%}\n  b')).toBe('ayesb');
    expect(render('a \n {{- 3 -}} \n b')).toBe('a3b');
  });

  it('+ keeps what trim_blocks and lstrip_blocks would remove', () => {
    expect(render('  {%+ if true +%}\nyes\n  {%+ endif %}\nb', {}, { lstripBlocks: true })).toBe('  \nyes\n  b');
  });

  it('comments vanish, and follow the block rules', () => {
    expect(render('a\n{# c #}\nb\n  {# indented #}\nc\n{#- x -#}\n d')).toBe('a\nb\n  cd');
    expect(render('a\n  {# c #}\nb', {}, { lstripBlocks: true })).toBe('a\nb');
  });

  it('raw keeps its text; its opening tag trims nothing, its closing tag follows trim_blocks', () => {
    expect(render('{% raw %}\n{{ x }}{% endraw %}\nY')).toBe('\n{{ x }}Y');
    expect(render('a\n  {%- raw -%}  z  {%- endraw -%}  \nw')).toBe('azw');
  });

  it('drops one trailing newline unless keep_trailing_newline', () => {
    expect(render('x\n\n')).toBe('x\n');
    expect(render('x\n', {}, { keepTrailingNewline: true })).toBe('x\n');
  });

  it('reads \\r\\n and \\r as newlines and writes the newline sequence', () => {
    expect(render('a\r\nb\r{% if true %}\r\nc\r\n{% endif %}\r\n')).toBe('a\nb\nc\n');
    expect(render('a\nb\n{% if true %}\nc\n{% endif %}\nd', {}, { newlineSequence: '\r\n' })).toBe('a\r\nb\r\nc\r\nd');
  });

  it('takes other delimiters', () => {
    const syntax = { blockStart: '<%', blockEnd: '%>', variableStart: '[[', variableEnd: ']]', commentStart: '<#', commentEnd: '#>' };
    expect(render('<% for i in items %>[[ i ]]<# c #><% endfor %> {{ x }} {% y %}', { items: ['a', 'b'] }, syntax)).toBe('ab {{ x }} {% y %}');
  });

  it('finds the end of a tag outside strings and brackets', () => {
    expect(render("{{ '}}' }} {{ \"%}\" }} {% set x = '{% x %}' %}{{ x }} {{ {'a': {'b': 'c'}}['a']['b'] }}")).toBe('}} %} {% x %} c');
  });
});
