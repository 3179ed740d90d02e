import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KbrunError } from '../errors/kbrun-error.js';
import { locateControllerFile } from '../exec/find-file.js';
import { readHeader } from './jinja/header.js';
import { ANSIBLE_SYNTAX, checkSetting, type JinjaSyntax } from './jinja/options.js';
import { renderTemplate } from './jinja/renderer.js';
import { layered } from './jinja/scope.js';
import { compileTemplate, type CompiledTemplate } from './jinja/template.js';
import { Templar } from './templar.js';
import { templateFileVars } from './template-vars.js';

/** How a template file is rendered, beyond the file and the variables. */
export interface TemplateFileOptions {
  /** The template's name as the task or lookup gave it (`template_path`); the path by default. */
  readonly src?: string;
  /** Where the result is written (`template_destpath`). */
  readonly dest?: string;
  /** Base directories `{% include %}` and `{% import %}` look in: each one's templates/ first, then itself; the template's own directory comes last. */
  readonly searchPath?: readonly string[];
  /** Variables over the host's (the template lookup's `template_vars`). */
  readonly extraVars?: Readonly<Record<string, unknown>>;
  /** Jinja2 settings over Ansible's defaults (the template module's trim_blocks, variable_start_string…); the `#jinja2:` header wins over them. */
  readonly syntax?: Partial<JinjaSyntax>;
}

let handlebars: Templar | undefined;

/** The file's text; Ansible requires UTF-8. */
function readUtf8(path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    if (error instanceof TypeError) throw new KbrunError('E_TEMPLATE', `${path}: template files must be UTF-8 encoded`, { location: { file: path, line: 1, col: 1 } });
    throw new KbrunError('E_FILE_NOT_FOUND', `cannot read the template ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** How many `\n` end a text (Ansible counts them to give the output as many). */
function trailingNewlines(text: string): number {
  let count = 0;
  while (count < text.length && text[text.length - 1 - count] === '\n') count++;
  return count;
}

/** Ansible's defaults, then the caller's settings, then the header's (each checked; undefined ones left out). */
function settings(given: Partial<Record<keyof JinjaSyntax, unknown>>, header: Partial<Record<keyof JinjaSyntax, unknown>>, path: string): JinjaSyntax {
  const out: Record<string, unknown> = { ...ANSIBLE_SYNTAX };
  for (const layer of [given, header]) {
    for (const [name, value] of Object.entries(layer) as Array<[keyof JinjaSyntax, unknown]>) {
      if (value === undefined) continue;
      const problem = checkSetting(name, value);
      if (problem) throw new KbrunError('E_TEMPLATE', `cannot render ${path}: ${problem}`);
      out[name] = value;
    }
  }
  return out as unknown as JinjaSyntax;
}

/**
 * Renders a template file the way Ansible's template module and template lookup do, with the variables Ansible adds
 * (`template_path`, `ansible_managed`…). The language follows the extension: `.hbs` is Handlebars (kbrun's own
 * templates), anything else Jinja2 in Ansible's dialect (trim_blocks on, the `#jinja2:` header, the file's trailing
 * newlines kept); includes and imports are looked for along `searchPath`.
 */
export function renderTemplateFile(path: string, vars: Readonly<Record<string, unknown>>, options: TemplateFileOptions = {}): string {
  const text = readUtf8(path);
  const all = layered([{ ...templateFileVars(options.src ?? path, path, options.dest), ...options.extraVars }, vars]);
  if (path.endsWith('.hbs')) return (handlebars ??= new Templar()).renderText(text, all, path);
  const header = readHeader(text, path);
  const syntax = settings(options.syntax ?? {}, header.overrides, path);
  const bases = [...(options.searchPath ?? []), dirname(path)];
  const load = (name: string): CompiledTemplate | undefined => {
    const file = locateControllerFile(bases, 'templates', name);
    return file === undefined ? undefined : compileTemplate(file, readUtf8(file), syntax);
  };
  const output = renderTemplate(compileTemplate(path, header.body, syntax, header.lines), all, load);
  const missing = trailingNewlines(text) - trailingNewlines(output);
  return missing > 0 ? output + syntax.newlineSequence.repeat(missing) : output;
}
