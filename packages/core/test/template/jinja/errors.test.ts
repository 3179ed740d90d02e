import { describe, expect, it } from 'vitest';
import { KbrunError } from '../../../src/errors/kbrun-error.js';
import { render } from './render.js';

/** The KbrunError rendering `text` throws. */
function failure(text: string, vars: Record<string, unknown> = {}): KbrunError {
  try {
    render(text, vars);
  } catch (error) {
    if (error instanceof KbrunError) return error;
    throw error;
  }
  throw new Error(`rendered without an error: ${text}`);
}

describe('errors name the problem and point at the template line and column', () => {
  it('an undefined variable', () => {
    const error = failure('line one\n  {{ missing }}');
    expect(error.code).toBe('E_UNDEFINED_VAR');
    expect(error.message).toContain("'missing' is undefined");
    expect(error.location).toMatchObject({ file: 'test.j2', line: 2, col: 6 });
  });

  it('an undefined attribute inside a macro points into the macro', () => {
    const error = failure('{% macro m(x) %}\n{{ x.nope }}\n{% endmacro %}\n{{ m({}) }}');
    expect(error.code).toBe('E_UNDEFINED_VAR');
    expect(error.location).toMatchObject({ line: 2 });
  });

  it('an expression that does not parse', () => {
    const error = failure('{% if a == %}x{% endif %}');
    expect(error.code).toBe('E_TEMPLATE');
    expect(error.location).toMatchObject({ line: 1, col: 12 });
  });

  it('an unknown filter', () => {
    expect(failure('{{ x | nosuchfilter }}', { x: 1 }).message).toContain("unknown filter 'nosuchfilter'");
  });

  it('unclosed tags and outputs', () => {
    expect(failure('a\n{% for x in y %}\nbody').message).toMatch(/'for' tag opened here is never closed: expected \{% endfor %\}/);
    expect(failure('a\n{% for x in y %}\nbody').location).toMatchObject({ line: 2, col: 1 });
    expect(failure('{{ x ').message).toContain("missing '}}'");
    expect(failure('{# x ').message).toContain('missing end of comment');
    expect(failure('{% raw %} x ').message).toContain('missing end of raw');
  });

  it('a stray or misplaced end tag', () => {
    expect(failure('{% endif %}').message).toContain("unknown tag 'endif'");
    expect(failure('{% for x in y %}{% endif %}').message).toContain("unknown tag 'endif' (expected {% else %} or {% endfor %})");
  });

  it('tags Ansible cannot use are refused by name', () => {
    for (const tag of ['extends "base.j2"', 'block body', 'break', 'continue', 'do x.append(1)', 'autoescape true']) {
      const error = failure(`{% for x in [1] %}{% ${tag} %}{% endfor %}`);
      expect(error.message).toMatch(new RegExp(`\\{% ${tag.split(' ')[0]} %\\} is not supported`));
    }
    expect(failure('{% frobnicate %}').message).toContain("unknown tag 'frobnicate'");
  });

  it('statements given values they cannot use', () => {
    expect(failure('{% for x in n %}{% endfor %}', { n: 3 }).message).toContain('cannot loop over int');
    expect(failure('{% set a, b = [1, 2, 3] %}').message).toContain('too many values to unpack (expected 2)');
    expect(failure('{% set d = {} %}{% set d.x = 1 %}').message).toContain("'d' is not a namespace");
    expect(failure('{{ nomacro() }}').code).toBe('E_UNDEFINED_VAR');
    expect(failure("{% call 'x' %}{% endcall %}").message).toContain('needs a macro call');
  });
});
