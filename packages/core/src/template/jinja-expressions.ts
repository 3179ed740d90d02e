/** A piece of a templated string: literal text, or the source of one `{{ }}` expression. */
export type TemplatePiece = { readonly text: string } | { readonly expression: string };

/** Where the string literal starting at `start` (a quote) ends: the index just after its closing quote. */
function endOfString(source: string, start: number): number {
  const quote = source[start];
  let i = start + 1;
  while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, source.length);
}

/**
 * Splits a string into text and `{{ }}` expressions as Jinja's lexer does: an expression ends at the first `}}`
 * outside string literals and brackets, so `{{ {'a': {'b': 1}} }}` is one expression. An unclosed `{{` is text.
 */
export function splitTemplate(text: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let last = 0;
  let open = text.indexOf('{{');
  while (open >= 0) {
    let depth = 0;
    let end = -1;
    for (let i = open + 2; i < text.length; ) {
      const c = text[i]!;
      if (c === "'" || c === '"') i = endOfString(text, i);
      else if (depth === 0 && text.startsWith('}}', i)) {
        end = i;
        break;
      } else {
        if ('([{'.includes(c)) depth++;
        else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
        i++;
      }
    }
    if (end < 0) break;
    if (open > last) pieces.push({ text: text.slice(last, open) });
    pieces.push({ expression: text.slice(open + 2, end) });
    last = end + 2;
    open = text.indexOf('{{', last);
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

/**
 * Ansible doubles every backslash inside the string literals of a playbook's `{{ }}` (so `'\\1'` in a YAML
 * double-quoted string reaches the regex as `\1`, and `'\n'` stays a backslash and an n; an escaped quote, doubled
 * too, ends the literal there, as in Ansible).
 */
export function doubleBackslashes(expression: string): string {
  let out = '';
  for (let i = 0; i < expression.length; ) {
    const c = expression[i]!;
    if (c !== "'" && c !== '"') {
      out += c;
      i++;
      continue;
    }
    const end = endOfString(expression, i);
    const body = expression.slice(i + 1, end - 1).replace(/\\/g, '\\\\');
    out += c + body + expression.slice(end - 1, end);
    i = end;
  }
  return out;
}
