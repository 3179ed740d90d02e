import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderTemplateFile } from '../../src/template/render-file.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kbrun-render-file-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(root, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('renderTemplateFile', () => {
  it('keeps as many trailing newlines as the file has, in the newline sequence (as Ansible does)', () => {
    expect(renderTemplateFile(file('a.j2', 'x={{ n }}\n'), { n: 1 })).toBe('x=1\n');
    expect(renderTemplateFile(file('b.j2', 'x\n\n'), {})).toBe('x\n\n');
    expect(renderTemplateFile(file('c.j2', 'x'), {})).toBe('x');
    expect(renderTemplateFile(file('d.j2', 'a\nb\n'), {}, { syntax: { newlineSequence: '\r\n' } })).toBe('a\r\nb\r\n');
  });

  it('reads the #jinja2: header, which wins over the options', () => {
    const path = file('h.j2', "#jinja2: trim_blocks: False, lstrip_blocks: True, variable_start_string: '[%', variable_end_string: '%]'\n  {% if true %}\n[% n %] {{ n }}\n  {% endif %}\n");
    expect(renderTemplateFile(path, { n: 7 }, { syntax: { trimBlocks: true } })).toBe('\n7 {{ n }}\n');
  });

  it('refuses header settings it does not know, and values that are not literals', () => {
    expect(() => renderTemplateFile(file('h1.j2', '#jinja2: autoescape: True\nx'), {})).toThrow(/setting 'autoescape' is not supported/);
    expect(() => renderTemplateFile(file('h2.j2', '#jinja2: trim_blocks: yes\nx'), {})).toThrow(/must be a Python literal/);
    expect(() => renderTemplateFile(file('h3.j2', '#jinja2: trim_blocks\nx'), {})).toThrow(/expected name: value/);
  });

  it('renders .hbs files as Handlebars and every other file as Jinja2', () => {
    expect(renderTemplateFile(file('r.md.hbs', '{{#each items}}- {{this}}\n{{/each}}'), { items: ['a', 'b'] })).toBe('- a\n- b\n');
    expect(renderTemplateFile(file('app.conf.tmpl', '{% for i in items %}{{ i }}{% endfor %}\n'), { items: ['a', 'b'] })).toBe('ab\n');
  });

  it("looks for includes in each base's templates/, then the base, then beside the template", () => {
    file('role/templates/part.j2', 'from role templates');
    file('play/common.j2', 'from the playbook directory');
    file('elsewhere/beside.j2', 'beside');
    const main = file('elsewhere/main.j2', "{% include 'part.j2' %}|{% include 'common.j2' %}|{% include 'beside.j2' %}");
    expect(renderTemplateFile(main, {}, { searchPath: [join(root, 'role'), join(root, 'play')] })).toBe('from role templates|from the playbook directory|beside');
  });

  it("gives Ansible's template variables, and extraVars over the host's", () => {
    const path = file('t/vars.j2', '{{ template_path }}|{{ template_fullpath }}|{{ template_destpath }}|{{ template_host }}|{{ ansible_managed }}|{{ x }}');
    const out = renderTemplateFile(path, { x: 'host' }, { src: 'vars.j2', dest: '/etc/app.conf', extraVars: { x: 'extra' } });
    expect(out).toBe(`vars.j2|${path}|/etc/app.conf|${hostname()}|Ansible managed|extra`);
  });

  it('changes none of the variables it is given, which may be frozen', () => {
    const vars = Object.freeze({ n: 1, name: 'x' });
    expect(renderTemplateFile(file('s.j2', '{% set n = 2 %}{% set m = 3 %}{{ n }}{{ m }}'), vars)).toBe('23');
    expect(vars).toEqual({ n: 1, name: 'x' });
    expect(() => renderTemplateFile(file('u.j2', '{{ nme }}'), vars)).toThrow(/'nme' is undefined: did you mean .*'name'/);
  });

  it('refuses a file that is not UTF-8, naming it', () => {
    const path = file('latin.j2', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(() => renderTemplateFile(path, {})).toThrow(/must be UTF-8 encoded/);
  });
});
