import { readFileSync } from 'node:fs';

/** A position in a source file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
  /** Length of the marked span on that line, for the caret underline. */
  length?: number;
  /** The file's text, when it is already in memory. */
  source?: string;
}

const sourceCache = new Map<string, string>();

/** Keeps a file's text so error excerpts don't read it again. */
export function rememberSource(file: string, text: string): void {
  sourceCache.set(file, text);
}

function sourceOf(loc: SourceLocation): string | undefined {
  if (loc.source !== undefined) return loc.source;
  const cached = sourceCache.get(loc.file);
  if (cached !== undefined) return cached;
  try {
    const text = readFileSync(loc.file, 'utf8');
    sourceCache.set(loc.file, text);
    return text;
  } catch {
    return undefined;
  }
}

/** The source line of a location with a `^^^` marker under the span. */
export function renderExcerpt(loc: SourceLocation): string | undefined {
  const text = sourceOf(loc);
  if (text === undefined) return undefined;
  const line = text.split(/\r?\n/)[loc.line - 1];
  if (line === undefined) return undefined;
  const gutter = `${loc.line} | `;
  const width = Math.max(1, Math.min(loc.length ?? 1, line.length - loc.col + 1));
  return `${gutter}${line}\n${' '.repeat(gutter.length + loc.col - 1)}${'^'.repeat(width)}`;
}

/** `file:line:col` for messages. */
export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : '<unknown>';
}
