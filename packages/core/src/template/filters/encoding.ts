import { createHash } from 'node:crypto';
import { arg } from '../../expr/params.js';
import { pyStr } from '../../expr/py-string.js';
import { ansible, type FilterSpec } from './spec.js';

/** Python hashlib names and the Node.js (OpenSSL) names of the same digests. */
const HASHES: Readonly<Record<string, string>> = {
  md5: 'md5',
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  sha3_224: 'sha3-224',
  sha3_256: 'sha3-256',
  sha3_384: 'sha3-384',
  sha3_512: 'sha3-512',
  blake2b: 'blake2b512',
  blake2s: 'blake2s256',
  ripemd160: 'ripemd160',
  sm3: 'sm3',
  'md5-sha1': 'md5-sha1',
};

/** The hex digest of the value's text with a hashlib algorithm. */
function digest(value: unknown, algorithm: string): string {
  const name = algorithm.toLowerCase();
  const node = Object.hasOwn(HASHES, name) ? HASHES[name]! : undefined;
  if (!node) throw new TypeError(`unsupported hash type ${algorithm}: use one of ${Object.keys(HASHES).join(', ')}`);
  return createHash(node).update(pyStr(value), 'utf8').digest('hex');
}

/** Python codec names and the Node.js encodings of the same text encodings. */
const ENCODINGS: Readonly<Record<string, BufferEncoding>> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  ascii: 'ascii',
  latin1: 'latin1',
  'latin-1': 'latin1',
  'iso-8859-1': 'latin1',
  'utf-16-le': 'utf16le',
  'utf-16le': 'utf16le',
  utf16le: 'utf16le',
};

function encodingOf(name: unknown): BufferEncoding {
  const key = pyStr(name).toLowerCase().replace(/_/g, '-');
  if (!Object.hasOwn(ENCODINGS, key)) throw new TypeError(`unsupported encoding '${pyStr(name)}': use one of ${Object.keys(ENCODINGS).join(', ')}`);
  return ENCODINGS[key]!;
}

/** Python's base64.b64decode (not validating): characters outside the alphabet are dropped, the padding must be right. */
function b64decode(text: string): Buffer {
  const clean = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const data = clean.replace(/=+$/, '');
  if (data.includes('=') || clean.length % 4 !== 0 || data.length % 4 === 1) throw new TypeError('Incorrect padding');
  return Buffer.from(data, 'base64');
}

/** The namespace of Ansible's to_uuid. */
const ANSIBLE_UUID_NAMESPACE = '361e6d51-faec-444a-9079-341386da8e2e';

/** Python's uuid.UUID(text) as 16 bytes: hex digits, optionally with hyphens, braces and a urn:uuid: prefix. */
function uuidBytes(text: string): Buffer {
  const hex = text.replace(/^urn:/, '').replace(/^uuid:/, '').replace(/^\{|\}$/g, '').replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`Invalid value '${text}' for 'namespace': badly formed hexadecimal UUID string`);
  return Buffer.from(hex, 'hex');
}

/** A name-based (version 5, SHA-1) UUID, as Python's uuid.uuid5. */
function uuid5(namespace: string, name: string): string {
  const bytes = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Base64, digests and UUIDs. */
export const ENCODING_FILTERS: Readonly<Record<string, FilterSpec>> = {
  b64encode: ansible('The text encoded (in `encoding`, utf-8) as base64.', (v, a, k) => Buffer.from(pyStr(v), encodingOf(arg(a, k, 0, 'encoding', 'utf-8'))).toString('base64')),
  b64decode: ansible('Base64 decoded to text (in `encoding`, utf-8).', (v, a, k) => b64decode(pyStr(v)).toString(encodingOf(arg(a, k, 0, 'encoding', 'utf-8')))),
  hash: ansible('The hex digest of the text with `hashtype` (sha1; md5, sha256, sha512, sha3_256, blake2b…).', (v, a, k) => digest(v, pyStr(arg(a, k, 0, 'hashtype', 'sha1')))),
  checksum: ansible('The SHA-1 hex digest of the text (as Ansible checksums files).', (v) => digest(v, 'sha1')),
  sha1: ansible('The SHA-1 hex digest of the text.', (v) => digest(v, 'sha1')),
  md5: ansible('The MD5 hex digest of the text.', (v) => digest(v, 'md5')),
  to_uuid: ansible("A UUID (version 5) named by the text in `namespace` (Ansible's own by default).", (v, a, k) =>
    uuid5(pyStr(arg(a, k, 0, 'namespace', ANSIBLE_UUID_NAMESPACE)), pyStr(v)),
  ),
};
