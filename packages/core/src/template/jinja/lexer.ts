import { readTag, type TagReader } from '../../expr/index.js';
import { expressionError, templateError } from './errors.js';
import type { JinjaSyntax } from './options.js';
import type { TemplateSource } from './source.js';

/** One piece of a template: text to output, a `{{ }}` or a `{% %}` (its reader is at the first token inside). */
export type JinjaToken =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'output' | 'tag'; readonly reader: TagReader; readonly at: number };

type StartKind = 'variable' | 'comment' | 'block';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Jinja2's newline rule: every `\r\n`, `\r` and `\n` is one line break, and the text's last newline is dropped unless
 * `keepTrailingNewline`. The result uses `\n` (text is output with the newline sequence later).
 */
export function normalizeNewlines(text: string, keepTrailingNewline: boolean): string {
  const lines = text.split(/\r\n|\r|\n/);
  if (!keepTrailingNewline && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/**
 * Splits a template into text, outputs and tags the way Jinja2's lexer does, with its whitespace control: `-` beside
 * a delimiter strips the whitespace on that side, `+` keeps it, `trimBlocks` removes the newline after a block or
 * comment, `lstripBlocks` the indentation before one. Comments vanish; `{% raw %}` bodies become text.
 */
export class JinjaLexer {
  private readonly starts: Array<{ kind: StartKind; text: string }>;
  private readonly rawBegin: RegExp;
  private readonly rawEnd: RegExp;
  private readonly commentEnd: RegExp;

  constructor(private readonly syntax: JinjaSyntax) {
    const e = escape;
    const trim = syntax.trimBlocks ? '\\n?' : '';
    // At one position, the longest delimiter wins (Jinja2 sorts its rules so), then variable, comment, block (a stable sort).
    this.starts = [
      { kind: 'variable' as const, text: syntax.variableStart },
      { kind: 'comment' as const, text: syntax.commentStart },
      { kind: 'block' as const, text: syntax.blockStart },
    ].sort((a, b) => b.text.length - a.text.length);
    this.rawBegin = new RegExp(`${e(syntax.blockStart)}[-+]?\\s*raw\\s*(?:-${e(syntax.blockEnd)}\\s*|${e(syntax.blockEnd)})`, 'y');
    this.rawEnd = new RegExp(`${e(syntax.blockStart)}([-+]?)\\s*endraw\\s*(?:\\+${e(syntax.blockEnd)}|-${e(syntax.blockEnd)}\\s*|${e(syntax.blockEnd)}${trim})`, 'g');
    this.commentEnd = new RegExp(`\\+${e(syntax.commentEnd)}|-${e(syntax.commentEnd)}\\s*|${e(syntax.commentEnd)}${trim}`, 'g');
  }

  /** The tokens of a template's (normalized) text. */
  tokenize(source: TemplateSource): JinjaToken[] {
    const text = source.text;
    const tokens: JinjaToken[] = [];
    let pos = 0;
    let lineStarting = true;
    const pushText = (value: string): void => {
      if (value !== '') tokens.push({ type: 'text', text: this.syntax.newlineSequence === '\n' ? value : value.replace(/\n/g, this.syntax.newlineSequence) });
    };
    while (pos < text.length) {
      const start = this.nextStart(text, pos);
      if (!start) {
        pushText(text.slice(pos));
        break;
      }
      const at = start.index;
      const sign = text[at + start.text.length];
      const inside = at + start.text.length + (sign === '-' || sign === '+' ? 1 : 0);
      this.rawBegin.lastIndex = at;
      const raw = start.kind === 'block' ? this.rawBegin.exec(text) : null;
      pushText(this.stripBefore(text.slice(pos, at), sign, start.kind === 'variable' ? 'variable' : 'block', lineStarting));
      let end: number;
      if (raw) {
        this.rawEnd.lastIndex = at + raw[0].length;
        const close = this.rawEnd.exec(text);
        if (!close) throw templateError(source, at, 'missing end of raw directive: {% raw %} has no {% endraw %}');
        const body = text.slice(at + raw[0].length, close.index);
        pushText(this.stripBefore(body, close[1], 'block', raw[0].endsWith('\n')));
        end = close.index + close[0].length;
      } else if (start.kind === 'comment') {
        this.commentEnd.lastIndex = inside;
        const close = this.commentEnd.exec(text);
        if (!close) throw templateError(source, at, `missing end of comment tag: '${this.syntax.commentStart}' has no '${this.syntax.commentEnd}'`);
        end = close.index + close[0].length;
      } else {
        const closer = start.kind === 'variable' ? this.syntax.variableEnd : this.syntax.blockEnd;
        const signs = start.kind === 'variable' ? ['-'] : ['-', '+'];
        const isEnd = (i: number): boolean => text.startsWith(closer, i) || signs.some((s) => text.startsWith(s + closer, i));
        let reader: TagReader;
        try {
          reader = readTag(text, inside, isEnd);
        } catch (error) {
          throw expressionError(error, source, 0);
        }
        const close = reader.end;
        if (!isEnd(close)) throw templateError(source, at, `missing '${closer}' to close the '${start.text}' opened here`);
        tokens.push({ type: start.kind === 'variable' ? 'output' : 'tag', reader, at });
        end = this.endOfTag(text, close, closer, start.kind === 'block');
      }
      lineStarting = text[end - 1] === '\n';
      pos = end;
    }
    return tokens;
  }

  /** The earliest tag start at or after `from`. */
  private nextStart(text: string, from: number): { kind: StartKind; text: string; index: number } | undefined {
    let best: { kind: StartKind; text: string; index: number } | undefined;
    for (const s of this.starts) {
      const index = text.indexOf(s.text, from);
      if (index >= 0 && (!best || index < best.index)) best = { ...s, index };
    }
    return best;
  }

  /** The text before a tag, with the whitespace its `-` (or lstripBlocks, for blocks and comments) removes. */
  private stripBefore(value: string, sign: string | undefined, kind: 'variable' | 'block', lineStarting: boolean): string {
    if (sign === '-') return value.trimEnd();
    if (sign === '+' || kind === 'variable' || !this.syntax.lstripBlocks) return value;
    const lineStart = value.lastIndexOf('\n') + 1;
    if ((lineStart > 0 || lineStarting) && /^\s+$/.test(value.slice(lineStart))) return value.slice(0, lineStart);
    return value;
  }

  /** Where the text after a tag's closing delimiter (at `close`) starts: `-` eats the whitespace after it, trimBlocks a block's newline. */
  private endOfTag(text: string, close: number, closer: string, isBlock: boolean): number {
    const sign = text[close];
    if (text.startsWith(closer, close)) return close + closer.length + (isBlock && this.syntax.trimBlocks && text[close + closer.length] === '\n' ? 1 : 0);
    let end = close + 1 + closer.length;
    if (sign === '-') while (end < text.length && /\s/.test(text[end]!)) end++;
    return end;
  }
}
