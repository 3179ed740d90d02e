/** Python's str.splitlines(): lines without their endings, no trailing empty line for a final newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines that keep their `\n` ending (Python's readlines() on a binary file); the last may lack one. */
export function splitKeepEnds(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
    lines.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** A line without its `\n`/`\r\n` ending (Python's rstrip('\r\n')). */
export function stripEol(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}
