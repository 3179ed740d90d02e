import { ANSIBLE_SYNTAX, type JinjaSyntax } from '../../../src/template/jinja/options.js';
import { renderTemplate, type TemplateLoader } from '../../../src/template/jinja/renderer.js';
import { compileTemplate } from '../../../src/template/jinja/template.js';

/** Renders a template text with Ansible's Jinja2 settings (or some changed), as the unit tests need it. */
export function render(text: string, vars: Record<string, unknown> = {}, syntax: Partial<JinjaSyntax> = {}, load: TemplateLoader = () => undefined): string {
  return renderTemplate(compileTemplate('test.j2', text, { ...ANSIBLE_SYNTAX, ...syntax }), vars, load);
}
