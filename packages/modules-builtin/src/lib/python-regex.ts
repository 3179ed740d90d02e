// Python regular expressions (as playbooks written for Ansible contain them) translated to JavaScript.

/** A compiled pattern, or why the pattern could not be used. */
export type RegexResult = { regex: RegExp } | { error: string };

const INLINE_FLAGS: Record<string, string> = { i: 'i', m: 'm', s: 's' };

/**
 * Compiles a Python regex for JavaScript: `(?P<n>…)` → `(?<n>…)`, `(?P=n)` → `\k<n>`, `\A`/`\Z` → `^`/`$`,
 * leading inline flags `(?ims)` → RegExp flags. Character classes are copied untouched.
 */
export function compilePythonRegex(source: string, flags = ''): RegexResult {
  let pattern = source;
  const allFlags = new Set(flags.split('').filter(Boolean));
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (inline) {
    for (const flag of inline[1]!) {
      const mapped = INLINE_FLAGS[flag];
      if (!mapped) return { error: `unsupported inline flag '(?${flag})' in regular expression: ${source}` };
      allFlags.add(mapped);
    }
    pattern = pattern.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'Z') out += '$';
      else out += ch + next;
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
      // A `]` right after `[` or `[^` is a literal in Python; JavaScript needs it escaped.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (pattern.startsWith('(?P=', i)) {
      const end = pattern.indexOf(')', i);
      if (end < 0) return { error: `unterminated group reference in regular expression: ${source}` };
      out += `\\k<${pattern.slice(i + 4, end)}>`;
      i = end;
    } else {
      out += ch;
    }
  }
  try {
    return { regex: new RegExp(out, [...allFlags].join('')) };
  } catch (error) {
    return { error: `invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message}` };
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Python's match.expand(template): `\1`, `\g<1>`, `\g<name>` and the usual escapes; unmatched groups give ''. */
export function expandTemplate(match: RegExpExecArray, template: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch !== '\\' || i + 1 >= template.length) {
      out += ch;
      continue;
    }
    const next = template[i + 1]!;
    if (next === 'g' && template[i + 2] === '<') {
      const end = template.indexOf('>', i + 3);
      if (end > 0) {
        const ref = template.slice(i + 3, end);
        out += (/^\d+$/.test(ref) ? match[Number(ref)] : match.groups?.[ref]) ?? '';
        i = end;
        continue;
      }
    }
    const digits = /^\d{1,2}/.exec(template.slice(i + 1));
    if (digits) {
      out += match[Number(digits[0])] ?? '';
      i += digits[0].length;
      continue;
    }
    out += ESCAPES[next] ?? `\\${next}`;
    i++;
  }
  return out;
}
