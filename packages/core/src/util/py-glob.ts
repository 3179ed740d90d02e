// Python's fnmatch and glob on the controller: one reading of shell patterns for the fileglob filter and lookup and the setup module's fact filter.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { joinPath } from '../template/filters/paths.js';

/** Python fnmatch's translation of a shell pattern (`*`, `?`, `[a-z]`, `[!x]`) into an anchored RegExp. */
export function fnmatchRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) out += '\\[';
      else {
        let body = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        else if (body.startsWith('^')) body = `\\${body}`;
        out += `[${body.replace(/]/g, '\\]')}]`;
        i = j;
      }
      // Only syntax characters and `/` may be escaped in a `u` RegExp (`\-` would not compile).
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'u');
}

const hasMagic = (s: string): boolean => /[*?[]/.test(s);

/** Python glob.glob (not recursive): paths matching the pattern, hidden names only for patterns starting with a dot. */
export function pyGlob(pattern: string): string[] {
  if (!hasMagic(pattern)) return lexists(pattern) ? [pattern] : [];
  const cut = pattern.lastIndexOf('/') + 1;
  const dir = cut === 0 ? '' : pattern.slice(0, cut).replace(/(?<=.)\/+$/, '');
  const base = pattern.slice(cut);
  const dirs = hasMagic(dir) ? pyGlob(dir) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    if (!hasMagic(base)) {
      const candidate = d ? joinPath([d, base]) : base;
      if (base === '' ? isDirectory(d) : lexists(candidate)) out.push(candidate);
      continue;
    }
    const re = fnmatchRegExp(base);
    let names: string[];
    try {
      names = readdirSync(d || '.');
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (name.startsWith('.') && !base.startsWith('.')) continue;
      if (re.test(name)) out.push(d ? joinPath([d, name]) : name);
    }
  }
  return out;
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Python os.path.isfile: a regular file, through symbolic links. */
export function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
