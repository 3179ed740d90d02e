/** Options of Python's textwrap as Jinja's wordwrap filter sets them (tabs and whitespace kept, whitespace dropped at line ends). */
export interface WrapOptions {
  readonly width: number;
  readonly breakLongWords: boolean;
  readonly breakOnHyphens: boolean;
}

const WHITESPACE = /[\t\n\x0b\x0c\r ]+/;
const isLetter = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{Nl}\p{No}_]/u.test(c);
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
const isWordPunct = (c: string | undefined): boolean => c !== undefined && (isWordChar(c) || `!"'&.,?`.includes(c));

/** Whether textwrap may break a word right after the hyphen at `p` ("well-known" breaks, "a-b" and "x-1" do not). */
function breaksAfterHyphen(word: string, p: number): boolean {
  const before = (isLetter(word[p - 2]) && isLetter(word[p - 1])) || (isLetter(word[p - 3]) && word[p - 2] === '-' && isLetter(word[p - 1]));
  const after = isLetter(word[p + 1]) && (isLetter(word[p + 2]) || (word[p + 2] === '-' && isLetter(word[p + 3])));
  return before && after;
}

/** A word cut into the pieces textwrap may put on different lines: after inner hyphens, around em-dashes (`--`). */
function wordPieces(word: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i < word.length; ) {
    if (word[i] !== '-') {
      i++;
      continue;
    }
    let end = i;
    while (word[end] === '-') end++;
    if (end - i >= 2 && i > 0 && isWordPunct(word[i - 1]) && isWordChar(word[end])) {
      if (i > start) pieces.push(word.slice(start, i));
      pieces.push(word.slice(i, end));
      start = end;
    } else if (end - i === 1 && breaksAfterHyphen(word, i)) {
      pieces.push(word.slice(start, i + 1));
      start = i + 1;
    }
    i = end;
  }
  if (start < word.length) pieces.push(word.slice(start));
  return pieces;
}

/** The chunks textwrap places: runs of whitespace, and words (or their pieces when breaking on hyphens). */
function chunksOf(text: string, breakOnHyphens: boolean): string[] {
  const chunks: string[] = [];
  for (const part of text.split(new RegExp(`(${WHITESPACE.source})`))) {
    if (part === '') continue;
    if (WHITESPACE.test(part) || !breakOnHyphens) chunks.push(part);
    else chunks.push(...wordPieces(part));
  }
  return chunks;
}

const isBlank = (chunk: string): boolean => chunk.trim() === '';

/** Python's textwrap.wrap(text) with the options above: the lines, without their newlines. */
export function wrapText(text: string, options: WrapOptions): string[] {
  const { width, breakLongWords, breakOnHyphens } = options;
  if (width <= 0) throw new RangeError(`invalid width ${width} (must be > 0)`);
  const chunks = chunksOf(text, breakOnHyphens).reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let length = 0;
    if (isBlank(chunks[chunks.length - 1]!) && lines.length > 0) chunks.pop();
    while (chunks.length > 0 && length + chunks[chunks.length - 1]!.length <= width) {
      const chunk = chunks.pop()!;
      line.push(chunk);
      length += chunk.length;
    }
    if (chunks.length > 0 && chunks[chunks.length - 1]!.length > width) {
      const chunk = chunks[chunks.length - 1]!;
      const room = width - length;
      if (breakLongWords) {
        let end = room;
        if (breakOnHyphens && chunk.length > room) {
          const hyphen = chunk.lastIndexOf('-', room - 1);
          if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
        }
        line.push(chunk.slice(0, end));
        chunks[chunks.length - 1] = chunk.slice(end);
      } else if (line.length === 0) line.push(chunks.pop()!);
    }
    if (line.length > 0 && isBlank(line[line.length - 1]!)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}
