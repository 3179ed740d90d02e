import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { randomSource } from '../expr/py-random.js';
import { passwordHash } from '../template/filters/secrets.js';
import { intOption, lookupError, stringTerm } from './lookup-options.js';
import type { LookupOptions, LookupSpec } from './lookup-types.js';
import { parseKv } from './parse-kv.js';

const LETTERS_LOWER = 'abcdefghijklmnopqrstuvwxyz';
const LETTERS_UPPER = LETTERS_LOWER.toUpperCase();
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const WHITESPACE = ' \t\n\r\x0b\x0c';

/** The character classes of Python's `string` module that `chars` may name. */
const CHAR_CLASSES: Readonly<Record<string, string>> = {
  ascii_letters: LETTERS_LOWER + LETTERS_UPPER,
  ascii_lowercase: LETTERS_LOWER,
  ascii_uppercase: LETTERS_UPPER,
  digits: DIGITS,
  hexdigits: `${DIGITS}abcdefABCDEF`,
  octdigits: '01234567',
  punctuation: PUNCTUATION,
  printable: DIGITS + LETTERS_LOWER + LETTERS_UPPER + PUNCTUATION + WHITESPACE,
  whitespace: WHITESPACE,
};

const PARAMS = ['length', 'encrypt', 'chars', 'ident', 'seed'];

/** `chars` as a list of specs: a string is split on commas, `,,` standing for a comma itself. */
function charSpecs(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => stringTerm('password', v));
  const text = stringTerm('password', value);
  return [...(text.includes(',,') ? [','] : []), ...text.replace(/,,/g, ',').split(',').filter(Boolean)];
}

/** The candidate characters: named classes expanded, other specs taken literally, quotes removed (as Ansible does). */
function candidateChars(specs: readonly string[]): string {
  const chars = specs.map((spec) => (Object.hasOwn(CHAR_CLASSES, spec) ? CHAR_CLASSES[spec]! : spec)).join('').replace(/["']/g, '');
  if (chars === '') throw lookupError('password', 'chars leaves no character to choose from');
  return chars;
}

/** `path key=value…`: the file path and the inline options, which win over the keyword options. */
function parseTerm(term: string, options: LookupOptions): { path: string; params: LookupOptions } {
  const space = term.indexOf(' ');
  if (space < 0) return { path: term, params: options };
  let path = term.slice(0, space);
  const inline = parseKv(term.slice(space + 1));
  if (inline['_raw_params'] !== undefined) {
    path = `${path} ${inline['_raw_params']}`;
    delete inline['_raw_params'];
    if (!term.startsWith(path)) throw lookupError('password', `unrecognized value after the key=value options in '${term}'`);
  }
  const unknown = Object.keys(inline).filter((k) => !PARAMS.includes(k));
  if (unknown.length > 0) throw lookupError('password', `unknown option(s) ${unknown.join(', ')} (options: ${PARAMS.join(', ')})`);
  return { path, params: { ...options, ...inline } };
}

/** Salt lengths of the schemes `encrypt` names (Ansible's BaseHash.algorithms; 8 for others). */
const SALT_SIZES: Readonly<Record<string, number>> = { md5_crypt: 8, bcrypt: 22, sha256_crypt: 16, sha512_crypt: 16 };
const IMPLICIT_IDENTS: Readonly<Record<string, string>> = { bcrypt: '2b' };
const SALT_CHARS = [...`${CHAR_CLASSES['ascii_letters']}${DIGITS}./`];

/** What a password file holds: the password, and with `encrypt` the salt (and ident) it is hashed with. */
interface StoredPassword {
  password: string;
  salt: string | null;
  ident: string | null;
}

/** `password salt=… ident=…` as Ansible writes it. */
function parseContent(content: string): StoredPassword {
  const at = content.lastIndexOf(' salt=');
  if (at < 0) return { password: content, salt: null, ident: null };
  const rest = content.slice(at + ' salt='.length);
  const identAt = rest.lastIndexOf(' ident=');
  return identAt < 0
    ? { password: content.slice(0, at), salt: rest || null, ident: null }
    : { password: content.slice(0, at), salt: rest.slice(0, identAt), ident: rest.slice(identAt + ' ident='.length) };
}

function formatContent({ password, salt, ident }: StoredPassword): string {
  if (salt === null) return password;
  return ident === null ? `${password} salt=${salt}` : `${password} salt=${salt} ident=${ident}`;
}

function randomSalt(length: number): string {
  const random = randomSource(null);
  return Array.from({ length }, () => random.choice(SALT_CHARS)).join('');
}

/** A text option that may be left out (none). */
function optionalText(value: unknown): string | null {
  return value === null || value === undefined ? null : stringTerm('password', value);
}

/** `length` characters of `chars`, drawn as Python's random.choice draws them (seeded: Ansible's very password). */
function generate(length: number, chars: string, seed: unknown): string {
  const pool = [...chars];
  const random = randomSource(seed === null || seed === undefined ? null : stringTerm('password', seed));
  return Array.from({ length }, () => random.choice(pool)).join('');
}

/**
 * `password`: the password stored in a controller file; a new random one is generated (`length`, `chars`, `seed`) and
 * written (mode 0600, directories 0700) when the file does not exist yet, so later runs read the same password back.
 * With `encrypt` (a password_hash scheme) the result is the hash, with a salt made once and kept beside the password.
 */
export const passwordLookup: LookupSpec = {
  description: 'A password kept in a controller file: generated once (`length`, `chars`, `seed`) and written 0600, then read back; `encrypt` gives its crypt hash (md5_crypt, sha256_crypt, sha512_crypt, bcrypt) with a salt kept in the file.',
  options: { length: 20, chars: ['ascii_letters', 'digits', '.,:-_'], seed: null, encrypt: null, ident: null },
  secret: true,
  run: (terms, options, env) =>
    terms.map((term) => {
      const { path: given, params } = parseTerm(stringTerm('password', term), options);
      const path = given.startsWith('~') ? join(homedir(), given.slice(1)) : isAbsolute(given) ? given : resolve(env.playbookDir, given);
      const stored = path !== '/dev/null' && existsSync(path) ? parseContent(readFileSync(path, 'utf8').replace(/[ \t\n\r\x0b\x0c]+$/, '')) : undefined;
      const entry = stored ?? { password: generate(intOption('password', params, 'length'), candidateChars(charSpecs(params['chars'])), params['seed']), salt: null, ident: null };
      const encrypt = optionalText(params['encrypt']);
      let changed = stored === undefined;
      if (encrypt !== null) {
        // As Ansible: a salt is made once and kept in the file, with the scheme's implicit ident (bcrypt's 2b).
        if (entry.salt === null) [entry.salt, changed] = [randomSalt(SALT_SIZES[encrypt] ?? 8), true];
        entry.ident = optionalText(params['ident']) ?? IMPLICIT_IDENTS[encrypt] ?? null;
        changed = true;
      }
      if (changed && path !== '/dev/null') {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, `${formatContent(entry)}\n`, { mode: 0o600 });
      }
      if (encrypt === null) return entry.password;
      try {
        return passwordHash(entry.password, encrypt, entry.salt, null, null, entry.ident);
      } catch (error) {
        throw lookupError('password', (error as Error).message);
      }
    }),
};
