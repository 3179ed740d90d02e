import { arg, type Args, type Kwargs } from '../params.js';
import { pyStr } from '../py-string.js';
import { compareVersions, VERSION_TYPES } from '../py-versions.js';
import { truthy } from '../values.js';
import { alias, ansible, type TestSpec } from './spec.js';

/** Ansible's operator names and what each makes of a comparison result. */
const OPERATORS: ReadonlyArray<readonly [readonly string[], (c: number) => boolean]> = [
  [['==', '=', 'eq'], (c) => c === 0],
  [['<', 'lt'], (c) => c < 0],
  [['<=', 'le'], (c) => c <= 0],
  [['>', 'gt'], (c) => c > 0],
  [['>=', 'ge'], (c) => c >= 0],
  [['!=', '<>', 'ne'], (c) => c !== 0],
];

/** Ansible's version test: compares the value with `version` by `operator`, parsing both as `version_type` (or strict). */
function versionTest(value: unknown, args: Args, kwargs: Kwargs): boolean {
  const version = arg(args, kwargs, 0, 'version');
  const operator = pyStr(arg(args, kwargs, 1, 'operator', 'eq'));
  const strict = arg(args, kwargs, 2, 'strict', null);
  const versionType = arg(args, kwargs, 3, 'version_type', null);
  if (strict !== null && versionType !== null) throw new TypeError("Cannot specify both 'strict' and 'version_type'");
  if (!truthy(value)) throw new TypeError('Input version value cannot be empty');
  if (!truthy(version)) throw new TypeError('Version parameter to compare against cannot be empty');
  let type: (typeof VERSION_TYPES)[number] = truthy(strict) ? 'strict' : 'loose';
  if (versionType !== null) {
    const name = pyStr(versionType);
    if (!(VERSION_TYPES as readonly string[]).includes(name)) throw new TypeError(`Invalid version type (${name}). Must be one of ${VERSION_TYPES.map((t) => `'${t}'`).join(', ')}`);
    type = name as (typeof VERSION_TYPES)[number];
  }
  const check = OPERATORS.find(([names]) => names.includes(operator))?.[1];
  if (!check) throw new TypeError(`Invalid operator type (${operator}). Must be one of ${OPERATORS.flatMap(([names]) => names.map((n) => `'${n}'`)).join(', ')}`);
  try {
    return check(compareVersions(pyStr(value), pyStr(version), type));
  } catch (e) {
    throw new TypeError(`Version comparison failed: ${(e as Error).message}`);
  }
}

const VERSION = ansible('Compares the value with `version` by `operator` (eq, lt, ge…); `version_type` loose (default), strict, semver/semantic or pep440.', versionTest);

/** The version comparison test and its older name. */
export const VERSION_TESTS: Readonly<Record<string, TestSpec>> = {
  version: VERSION,
  version_compare: alias('version', VERSION),
};
