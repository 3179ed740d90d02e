import type { SourceLocation } from '../../source/location.js';

/** A template's text as it is lexed, with what it takes to point at a place in its file. */
export class TemplateSource {
  private readonly lineStarts: number[] = [0];

  /**
   * @param file the template's path (or name), as errors show it
   * @param text the text lexed (newlines normalized, the `#jinja2:` header removed)
   * @param lineOffset how many lines of the file come before `text` (1 after a header)
   */
  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lineOffset = 0,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** The file, line and column of an offset in the text. */
  location(offset: number): SourceLocation {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { file: this.file, line: low + 1 + this.lineOffset, col: offset - this.lineStarts[low]! + 1 };
  }
}
