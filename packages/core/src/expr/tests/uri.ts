import { arg } from '../params.js';
import { urlSplit, type SplitUrl } from '../py-url.js';
import { toList } from '../../template/filters/shared.js';
import { ansible, type TestSpec } from './spec.js';

/** The URL's parts, or undefined when it is not text or does not parse (a bad port or IPv6 host). */
function parts(value: unknown): SplitUrl | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return urlSplit(value);
  } catch {
    return undefined;
  }
}

/** Ansible's uri test: any text that parses as a URI (it does not need a scheme), with one of `schemes` when given. */
function isUri(value: unknown, schemes: unknown): boolean {
  const p = parts(value);
  if (!p) return false;
  const allowed = schemes === null || schemes === undefined ? [] : toList(schemes);
  return allowed.length === 0 || allowed.includes(p.scheme);
}

/** URI tests (Python's urlparse, as Ansible applies it). */
export const URI_TESTS: Readonly<Record<string, TestSpec>> = {
  uri: ansible('The text parses as a URI (with one of `schemes` when given). Note that Ansible accepts any text here.', (v, a, k) => isUri(v, arg(a, k, 0, 'schemes', null))),
  url: ansible('The text is a URI with a network location (or a file: URL), with one of `schemes` when given.', (v, a, k) => {
    if (!isUri(v, arg(a, k, 0, 'schemes', null))) return false;
    const p = parts(v)!;
    return p.netloc !== '' || p.scheme === 'file';
  }),
  urn: ansible('The text is a URI with the urn scheme.', (v) => isUri(v, ['urn'])),
};
