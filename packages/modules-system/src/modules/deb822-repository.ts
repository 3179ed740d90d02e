import { defineModule, type ModuleContext } from '@kbrun/core';
import { downloadOnTarget, targetTempFile } from '../lib/download.js';
import { parseOctalMode, MODE_SCHEMA } from '../lib/file-mode.js';
import { applyFilePlan, planFile, readFileFacts } from '../lib/managed-file.js';
import { failure, listArgument, listSchema, withDiff } from '../lib/results.js';
import { errorLine, run, runScript } from '../lib/target.js';

type List = string | string[];

/** Arguments of `deb822_repository` (ansible.builtin.deb822_repository). */
export interface Deb822RepositoryArgs {
  name: string;
  state: 'present' | 'absent';
  types: List;
  uris?: List;
  suites?: List;
  components?: List;
  architectures?: List;
  languages?: List;
  targets?: List;
  signed_by?: string;
  enabled?: boolean;
  trusted?: boolean;
  allow_insecure?: boolean;
  allow_weak?: boolean;
  allow_downgrade_to_insecure?: boolean;
  by_hash?: boolean;
  check_date?: boolean;
  check_valid_until?: boolean;
  date_max_future?: number;
  inrelease_path?: string;
  pdiffs?: boolean;
  mode: string | number;
  install_python_debian: boolean;
}

const SOURCES_DIR = '/etc/apt/sources.list.d';
const KEYRINGS_DIR = '/etc/apt/keyrings';

/** Writes a deb822 `.sources` file for a repository, with its signing key (a URL the target fetches, a path, or inline). */
export const deb822Repository = defineModule<Deb822RepositoryArgs>({
  name: 'deb822_repository',
  description: 'Adds or removes an apt repository as a deb822 .sources file (ansible.builtin.deb822_repository), with its signed-by key.',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'The repository name: X-Repolib-Name and the file name (/etc/apt/sources.list.d/NAME.sources).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the repository file exists.' },
      types: { ...listSchema('deb and/or deb-src.'), default: ['deb'] },
      uris: listSchema('Repository URIs.'),
      suites: listSchema('Suites (a path ending in / for flat repositories).'),
      components: listSchema('Components.'),
      architectures: listSchema('Architectures.'),
      languages: listSchema('Languages of translations.'),
      targets: listSchema('Download targets.'),
      signed_by: { type: 'string', description: 'The signing key: a URL (fetched by the target into /etc/apt/keyrings/NAME.asc or .gpg), a key file path, or an ASCII-armored key (written inline).' },
      enabled: { type: 'boolean', description: 'Enabled: field.' },
      trusted: { type: 'boolean', description: 'Trusted: field.' },
      allow_insecure: { type: 'boolean', description: 'Allow-Insecure: field.' },
      allow_weak: { type: 'boolean', description: 'Allow-Weak: field.' },
      allow_downgrade_to_insecure: { type: 'boolean', description: 'Allow-Downgrade-To-Insecure: field.' },
      by_hash: { type: 'boolean', description: 'By-Hash: field.' },
      check_date: { type: 'boolean', description: 'Check-Date: field.' },
      check_valid_until: { type: 'boolean', description: 'Check-Valid-Until: field.' },
      date_max_future: { type: 'integer', description: 'Date-Max-Future: field (seconds).' },
      inrelease_path: { type: 'string', description: 'InRelease-Path: field.' },
      pdiffs: { type: 'boolean', description: 'PDiffs: field.' },
      mode: { ...MODE_SCHEMA, default: '0644' },
      install_python_debian: { type: 'boolean', default: false, description: 'Accepted for compatibility: kbrun needs no Python on the target.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const mode = parseOctalMode(args.mode);
    if (typeof mode === 'object') return failure(mode.error);
    const base = args.name.replace(/[^A-Za-z0-9._-]+/g, '_');
    const dest = `${SOURCES_DIR}/${base}.sources`;
    const sources = await readFileFacts(ctx, dest);

    if (args.state === 'absent') {
      const keys = await runScript(ctx, 'for f in "$1/$2.asc" "$1/$2.gpg"; do [ -f "$f" ] && echo "$f"; done; exit 0', [KEYRINGS_DIR, base]);
      const keyFiles = keys.stdout.split('\n').filter((line) => line !== '');
      const changed = sources.exists || keyFiles.length > 0;
      const result = withDiff({ changed, dest, repo: null, key_filename: keyFiles[0] ?? null, state: 'absent' }, ctx.diff, { before: sources.content ?? '', after: '', before_header: dest, after_header: dest });
      if (!changed || ctx.check) return result;
      const removed = await run(ctx, ['rm', '-f', '--', dest, ...keyFiles]);
      if (removed.rc !== 0) return failure(`removing ${dest}: ${errorLine(removed)}`);
      return result;
    }
    if (listArgument(args.uris).length === 0 || listArgument(args.suites).length === 0) return failure('uris and suites are required with state=present');

    // The key: fetched by the target when it is a URL (compared with the file already there), else a path or inline.
    let keyFile: string | undefined;
    let keyChanged = false;
    let keyBody: string | undefined;
    let signedBy = args.signed_by;
    if (signedBy !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(signedBy)) {
      const key = await fetchKey(ctx, signedBy, base);
      if ('error' in key) return failure(key.error);
      keyFile = key.path;
      keyChanged = key.changed;
      keyBody = key.temp;
      signedBy = key.path;
    }
    const repo = renderSources(args, signedBy);
    const plan = planFile(sources, { content: repo, mode: mode ?? 0o644 });
    const changed = plan.changed || keyChanged;
    const result = withDiff({ changed, dest, repo, key_filename: keyFile ?? null, state: 'present' }, ctx.diff, plan.diff);
    try {
      if (!changed || ctx.check) return result;
      if (keyChanged && keyBody) {
        const moved = await runScript(ctx, 'mkdir -p -m 0755 -- "$1" && chmod 0644 -- "$2" && mv -f -- "$2" "$3"', [KEYRINGS_DIR, keyBody, keyFile!]);
        if (moved.rc !== 0) return failure(`installing the key ${keyFile}: ${errorLine(moved)}`);
        keyBody = undefined;
      }
      const error = await applyFilePlan(ctx, plan, repo);
      if (error) return failure(error);
      return result;
    } finally {
      if (keyBody) await run(ctx, ['rm', '-f', '--', keyBody]);
    }
  },
});

/** The .sources text for the arguments (fields in deb822's usual order; booleans as yes/no). */
export function renderSources(args: Deb822RepositoryArgs, signedBy: string | undefined): string {
  const lines: string[] = [`X-Repolib-Name: ${args.name}`];
  const list = (field: string, value: List | undefined) => {
    const items = listArgument(value);
    if (items.length > 0) lines.push(`${field}: ${items.join(' ')}`);
  };
  const flag = (field: string, value: boolean | undefined) => {
    if (value !== undefined) lines.push(`${field}: ${value ? 'yes' : 'no'}`);
  };
  list('Types', args.types);
  list('URIs', args.uris);
  list('Suites', args.suites);
  list('Components', args.components);
  list('Architectures', args.architectures);
  list('Languages', args.languages);
  list('Targets', args.targets);
  flag('Enabled', args.enabled);
  flag('Trusted', args.trusted);
  flag('Allow-Insecure', args.allow_insecure);
  flag('Allow-Weak', args.allow_weak);
  flag('Allow-Downgrade-To-Insecure', args.allow_downgrade_to_insecure);
  flag('By-Hash', args.by_hash);
  flag('Check-Date', args.check_date);
  flag('Check-Valid-Until', args.check_valid_until);
  if (args.date_max_future !== undefined) lines.push(`Date-Max-Future: ${args.date_max_future}`);
  if (args.inrelease_path !== undefined) lines.push(`InRelease-Path: ${args.inrelease_path}`);
  flag('PDiffs', args.pdiffs);
  if (signedBy !== undefined) {
    if (signedBy.includes('\n')) {
      // An inline key: continuation lines start with a space, an empty line is " .".
      const body = signedBy.trim().split('\n').map((line) => (line.trim() === '' ? ' .' : ` ${line.trimEnd()}`));
      lines.push('Signed-By:', ...body);
    } else lines.push(`Signed-By: ${signedBy}`);
  }
  return `${lines.join('\n')}\n`;
}

// Downloads the key on the target into a temporary file and compares it with the installed one.
async function fetchKey(ctx: ModuleContext, url: string, base: string): Promise<{ path: string; changed: boolean; temp?: string } | { error: string }> {
  const temp = await targetTempFile(ctx);
  if (typeof temp !== 'string') return temp;
  const fetched = await downloadOnTarget(ctx, url, temp, { timeout: 30 });
  if (!fetched.ok) {
    await run(ctx, ['rm', '-f', '--', temp]);
    return { error: `Failed to download the key ${url}: ${fetched.msg}` };
  }
  // Armored keys are .asc, binary ones .gpg (apt tells them apart by the extension).
  const armored = (await runScript(ctx, 'grep -q -- "-----BEGIN PGP PUBLIC KEY BLOCK-----" "$1"', [temp])).rc === 0;
  const path = `${KEYRINGS_DIR}/${base}.${armored ? 'asc' : 'gpg'}`;
  const same = (await run(ctx, ['cmp', '-s', '--', temp, path])).rc === 0;
  if (same) {
    await run(ctx, ['rm', '-f', '--', temp]);
    return { path, changed: false };
  }
  return { path, changed: true, temp };
}
