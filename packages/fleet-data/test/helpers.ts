// Shared paths and TSV fixtures of the fleet tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (where servers/ and inventory/ live). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A committed file's text, by project-relative path. */
export function committed(rel: string): string {
  return readFileSync(`${ROOT}${rel}`, 'utf8');
}

/** The committed servers_v3.tsv. */
export const TSV = committed('servers/servers_v3.tsv');

/** The TSV's lines (without the final newline). */
export function tsvLines(text = TSV): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** A TSV text from lines (with the final newline). */
export function tsvText(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The line number (1-based) of a host's row in the committed TSV. */
export function lineOf(hostname: string): number {
  const i = tsvLines().findIndex((l) => l.split('\t')[2] === hostname);
  if (i < 0) throw new Error(`no row for ${hostname}`);
  return i + 1;
}

/** The committed TSV with one host's cell replaced (by column index). */
export function withCell(hostname: string, column: number, value: string): string {
  const lines = tsvLines();
  const n = lineOf(hostname) - 1;
  const cells = lines[n]!.split('\t');
  cells[column] = value;
  lines[n] = cells.join('\t');
  return tsvText(lines);
}
