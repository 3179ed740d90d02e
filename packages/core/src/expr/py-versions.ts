/**
 * Version comparison as Ansible's `version` test does it, for each of its version_type values: loose
 * (LooseVersion), strict (StrictVersion), semver/semantic (Ansible's SemanticVersion) and pep440 (packaging).
 */

/** The version_type values of Ansible's `version` test. */
export const VERSION_TYPES = ['loose', 'strict', 'semver', 'semantic', 'pep440'] as const;

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Python's comparison of two version parts: numbers with numbers, text with text; a mix is Python's TypeError. */
function comparePart(a: number | string, b: number | string): number {
  if (typeof a !== typeof b) throw new TypeError(`'<' not supported between instances of '${typeof a === 'number' ? 'int' : 'str'}' and '${typeof b === 'number' ? 'int' : 'str'}'`);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Python's list/tuple ordering: the first differing item decides, else the shorter is smaller. */
function compareSequences<T>(a: readonly T[], b: readonly T[], item: (x: T, y: T) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = item(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

/** LooseVersion: runs of digits (numbers) and of lower-case letters, and whatever else lies between them, dots dropped. */
function looseParts(text: string): Array<number | string> {
  return text
    .split(/(\d+|[a-z]+|\.)/)
    .filter((part) => part !== '' && part !== '.')
    .map((part) => (/^\s*[+-]?\d+\s*$/.test(part) ? Number(part) : part));
}

function compareLoose(a: string, b: string): number {
  const x = looseParts(a);
  const y = looseParts(b);
  if (x.length === y.length && x.every((p, i) => p === y[i])) return 0;
  return compareSequences(x, y, comparePart);
}

/** StrictVersion: `N.N[.N]` with an optional `aN`/`bN` pre-release. */
function strictParts(text: string): { release: number[]; pre: [string, number] | null } {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/.exec(text);
  if (!m) throw new TypeError(`invalid version number '${text}'`);
  return { release: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], pre: m[4] ? [m[4], Number(m[5])] : null };
}

function compareStrict(a: string, b: string): number {
  const x = strictParts(a);
  const y = strictParts(b);
  const release = compareSequences(x.release, y.release, comparePart);
  if (release !== 0) return release;
  if (!x.pre || !y.pre) return x.pre ? -1 : y.pre ? 1 : 0;
  return compareSequences<number | string>(x.pre, y.pre, comparePart);
}

/** Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH, a pre-release (lower than none), build metadata ignored. */
function semverParts(text: string): { core: number[]; pre: Array<number | string> } {
  const id = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
  const re = new RegExp(`^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${id}(?:\\.${id})*))?(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?$`);
  const m = re.exec(text);
  if (!m) throw new TypeError(`invalid semantic version '${text}'`);
  const pre = m[4] ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
}

function compareSemver(a: string, b: string): number {
  const x = semverParts(a);
  const y = semverParts(b);
  const core = compareSequences(x.core, y.core, comparePart);
  if (core !== 0) return core;
  if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length ? -1 : y.pre.length ? 1 : 0;
  return compareSequences(x.pre, y.pre, (p, q) => (typeof p === typeof q ? comparePart(p, q) : typeof p === 'number' ? -1 : 1));
}

/** A PEP 440 version reduced to what orders it (packaging's comparison key). */
interface Pep440 {
  epoch: number;
  release: number[];
  pre: [number, number] | null;
  post: number | null;
  dev: number | null;
  local: Array<number | string> | null;
}

const PRE_LETTERS: Readonly<Record<string, number>> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

function pep440(text: string): Pep440 {
  const sep = '[-_.]?';
  const re = new RegExp(
    `^\\s*v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)` +
      `(?:${sep}(alpha|beta|preview|pre|rc|a|b|c)${sep}(\\d+)?)?` +
      `(?:-(\\d+)|${sep}(post|rev|r)${sep}(\\d+)?)?` +
      `(?:${sep}(dev)${sep}(\\d+)?)?` +
      `(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$`,
    'i',
  );
  const m = re.exec(text);
  if (!m) throw new TypeError(`Invalid version: '${text}'`);
  return {
    epoch: Number(m[1] ?? 0),
    release: m[2]!.split('.').map(Number),
    pre: m[3] ? [PRE_LETTERS[m[3].toLowerCase()]!, Number(m[4] ?? 0)] : null,
    post: m[5] !== undefined ? Number(m[5]) : m[6] ? Number(m[7] ?? 0) : null,
    dev: m[8] ? Number(m[9] ?? 0) : null,
    local: m[10] ? m[10].toLowerCase().split(/[-_.]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : null,
  };
}

const compareNumbers = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

/** packaging's ordering: epoch, release (trailing zeros ignored), pre (a dev-only release sorts before its pre-releases), post, dev, local. */
function comparePep440(a: string, b: string): number {
  const x = pep440(a);
  const y = pep440(b);
  const trim = (r: number[]): number[] => {
    const out = [...r];
    while (out.length > 1 && out[out.length - 1] === 0) out.pop();
    return out;
  };
  const preKey = (v: Pep440): number[] => (v.pre ? v.pre : v.post === null && v.dev !== null ? [-Infinity] : [Infinity]);
  const order = [
    compareNumbers(x.epoch, y.epoch),
    compareSequences(trim(x.release), trim(y.release), compareNumbers),
    compareSequences(preKey(x), preKey(y), compareNumbers),
    compareNumbers(x.post ?? -Infinity, y.post ?? -Infinity),
    compareNumbers(x.dev ?? Infinity, y.dev ?? Infinity),
  ];
  const first = order.find((c) => c !== 0);
  if (first !== undefined) return first;
  if (!x.local || !y.local) return x.local ? 1 : y.local ? -1 : 0;
  return compareSequences(x.local, y.local, (p, q) => (typeof p === typeof q ? comparePart(p, q) : typeof p === 'number' ? 1 : -1));
}

/** -1, 0 or 1 comparing two versions of the given type; a TypeError (with Python's message) when one does not parse. */
export function compareVersions(a: string, b: string, type: (typeof VERSION_TYPES)[number]): number {
  switch (type) {
    case 'loose':
      return compareLoose(a, b);
    case 'strict':
      return compareStrict(a, b);
    case 'semver':
    case 'semantic':
      return compareSemver(a, b);
    case 'pep440':
      return comparePep440(a, b);
  }
}
