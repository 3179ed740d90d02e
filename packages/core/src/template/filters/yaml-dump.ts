import { isMapping, keysOf, readOwn, typeName } from '../../expr/values.js';
import { analyze, DOUBLE_QUOTED_ESCAPES, LINE_BREAKS, scalarText } from './yaml-scalars.js';

/** The options of PyYAML's dump that Ansible's to_yaml and to_nice_yaml pass on. */
export interface YamlDumpOptions {
  /** Spaces per level (2-9; PyYAML ignores others). */
  readonly indent: number;
  /** Column after which long scalars and flow collections wrap. */
  readonly width: number;
  /** true: flow style everywhere; false: block style everywhere; null: flow only for collections of scalars. */
  readonly defaultFlowStyle: boolean | null;
  readonly sortKeys: boolean;
  readonly explicitStart: boolean;
  readonly explicitEnd: boolean;
}

const isCollection = (value: unknown): boolean => Array.isArray(value) || isMapping(value);

/** Writes values as PyYAML's emitter does (SafeDumper with allow_unicode): same styles, quoting, indentation and wrapping. */
class YamlEmitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent: number | null = null;
  private readonly indents: Array<number | null> = [];
  private flowLevel = 0;
  private readonly indentStep: number;
  private readonly width: number;
  private mappingContext = false;
  private simpleKeyContext = false;

  constructor(private readonly options: YamlDumpOptions) {
    this.indentStep = options.indent > 1 && options.indent < 10 ? options.indent : 2;
    this.width = options.width > this.indentStep * 2 ? options.width : 80;
  }

  dump(value: unknown): string {
    if (this.options.explicitStart) this.writeIndicator('---', true);
    this.node(value, false, false);
    this.writeIndent();
    if (this.options.explicitEnd) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
    return this.out;
  }

  private write(text: string): void {
    this.out += text;
    this.column += text.length;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    this.write(this.whitespace || !needWhitespace ? indicator : ` ${indicator}`);
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  private lineBreak(text = '\n'): void {
    this.out += text;
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.indentStep : 0;
    else if (!indentless) this.indent += this.indentStep;
  }

  private flowStyle(value: readonly unknown[]): boolean {
    return this.options.defaultFlowStyle ?? value.every((item) => !isCollection(item));
  }

  private node(value: unknown, mapping: boolean, simpleKey: boolean): void {
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    if (Array.isArray(value)) {
      if (this.flowLevel > 0 || value.length === 0 || this.flowStyle(value)) this.flowSequence(value);
      else this.blockSequence(value);
    } else if (isMapping(value)) {
      const keys = keysOf(value);
      if (this.options.sortKeys) keys.sort();
      const entries = keys.map((k) => [k, readOwn(value, k)] as const);
      if (this.flowLevel > 0 || entries.length === 0 || this.flowStyle(entries.map(([, v]) => v))) this.flowMapping(entries);
      else this.blockMapping(entries);
    } else if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
      throw new TypeError(`cannot represent an object of type ${typeName(value)} in YAML`);
    } else {
      this.increaseIndent(true);
      this.scalar(value);
      this.indent = this.indents.pop() ?? null;
    }
  }

  private flowSequence(items: readonly unknown[]): void {
    this.writeIndicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.width) this.writeIndent();
      this.node(item, false, false);
    });
    this.flowLevel--;
    this.indent = this.indents.pop() ?? null;
    this.writeIndicator(']', false);
  }

  private flowMapping(entries: ReadonlyArray<readonly [string, unknown]>): void {
    this.writeIndicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    entries.forEach(([key, value], i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.width) this.writeIndent();
      this.node(key, true, true);
      this.writeIndicator(':', false);
      this.node(value, true, false);
    });
    this.flowLevel--;
    this.indent = this.indents.pop() ?? null;
    this.writeIndicator('}', false);
  }

  private blockSequence(items: readonly unknown[]): void {
    this.increaseIndent(false, this.mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, false, false);
    }
    this.indent = this.indents.pop() ?? null;
  }

  private blockMapping(entries: ReadonlyArray<readonly [string, unknown]>): void {
    this.increaseIndent(false);
    for (const [key, value] of entries) {
      this.writeIndent();
      this.node(key, true, true);
      this.writeIndicator(':', false);
      this.node(value, true, false);
    }
    this.indent = this.indents.pop() ?? null;
  }

  private scalar(value: unknown): void {
    const { text, isString } = scalarText(value);
    const split = !this.simpleKeyContext;
    if (!isString) return this.plain(text, split);
    const a = analyze(text);
    const plainOk = this.flowLevel > 0 ? a.flowPlain : a.blockPlain;
    if (!(this.simpleKeyContext && (a.empty || a.multiline)) && plainOk) return this.plain(text, split);
    if (a.singleQuoted && !(this.simpleKeyContext && a.multiline)) return this.singleQuoted(text, split);
    return this.doubleQuoted(text, split);
  }

  private plain(text: string, split: boolean): void {
    if (text === '') return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    const chars = [...text];
    let start = 0;
    let spaces = false;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : null;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.width && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (ch === null || ch === ' ') {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== null) spaces = ch === ' ';
    }
  }

  private singleQuoted(text: string, split: boolean): void {
    this.writeIndicator("'", true);
    const chars = [...text];
    let start = 0;
    let spaces = false;
    let breaks = false;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : null;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.width && split && start !== 0 && end !== chars.length) this.writeIndent();
          else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !LINE_BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.lineBreak();
          for (const br of chars.slice(start, end)) this.lineBreak(br);
          this.writeIndent();
          start = end;
        }
      } else if ((ch === null || ` ${LINE_BREAKS}'`.includes(ch)) && start < end) {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = LINE_BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private doubleQuoted(text: string, split: boolean): void {
    this.writeIndicator('"', true);
    const chars = [...text];
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end]! : null;
      const printable = ch !== null && ((ch >= ' ' && ch <= '~') || (ch >= '\xa0' && ch <= '\ud7ff') || (ch >= '\ue000' && ch <= '\ufffd'));
      if (ch === null || '"\\\x85\u2028\u2029\ufeff'.includes(ch) || !printable) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
        if (ch !== null) {
          const code = ch.codePointAt(0)!;
          const escape = Object.hasOwn(DOUBLE_QUOTED_ESCAPES, ch)
            ? DOUBLE_QUOTED_ESCAPES[ch]!
            : code <= 0xff
              ? `x${code.toString(16).toUpperCase().padStart(2, '0')}`
              : code <= 0xffff
                ? `u${code.toString(16).toUpperCase().padStart(4, '0')}`
                : `U${code.toString(16).toUpperCase().padStart(8, '0')}`;
          this.write(`\\${escape}`);
          start = end + 1;
        }
      }
      if (end > 0 && end < chars.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > this.width && split) {
        this.write(`${chars.slice(start, end).join('')}\\`);
        if (start < end) start = end;
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.writeIndicator('"', false);
  }
}

/** The value as YAML text, as PyYAML's yaml.dump with Ansible's dumper writes it (ends with a newline). */
export function yamlDump(value: unknown, options: YamlDumpOptions): string {
  return new YamlEmitter(options).dump(value);
}
