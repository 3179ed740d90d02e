import { JinjaLexer, normalizeNewlines } from './lexer.js';
import type { Node } from './nodes.js';
import type { JinjaSyntax } from './options.js';
import { JinjaParser } from './parser.js';
import { TemplateSource } from './source.js';

/** A template parsed once: its node tree and its text (for error locations). */
export interface CompiledTemplate {
  readonly source: TemplateSource;
  readonly nodes: readonly Node[];
}

const MAX_CACHE = 500;
const cache = new Map<string, CompiledTemplate>();

/**
 * Parses a template's text with the given syntax (cached by file, syntax and text). `lineOffset` is how many lines
 * of the file come before the text (the `#jinja2:` header), so errors point at the file's own lines.
 */
export function compileTemplate(file: string, text: string, syntax: JinjaSyntax, lineOffset = 0): CompiledTemplate {
  const key = `${JSON.stringify(syntax)}\0${file}\0${lineOffset}\0${text}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const source = new TemplateSource(file, normalizeNewlines(text, syntax.keepTrailingNewline), lineOffset);
  const nodes = new JinjaParser(source, new JinjaLexer(syntax).tokenize(source), syntax.newlineSequence).parse();
  const compiled: CompiledTemplate = { source, nodes };
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(key, compiled);
  return compiled;
}
