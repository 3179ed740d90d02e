import { readFile } from 'node:fs/promises';
import { defineModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { downloadOnTarget, targetTempFile } from '../lib/download.js';
import { MODE_SCHEMA, parseOctalMode } from '../lib/file-mode.js';
import { failure, listArgument, listSchema } from '../lib/results.js';
import { commandLine, errorLine, outputLines, run, runScript } from '../lib/target.js';

/** Arguments of `unarchive` (ansible.builtin.unarchive). */
export interface UnarchiveArgs {
  src: string;
  dest: string;
  remote_src: boolean;
  creates?: string;
  list_files: boolean;
  exclude?: string | string[];
  include?: string | string[];
  keep_newer: boolean;
  extra_opts?: string | string[];
  mode?: string | number;
  owner?: string | number;
  group?: string | number;
  validate_certs: boolean;
}

type Format = 'zip' | 'gzip' | 'bzip2' | 'xz' | 'zstd' | 'tar';

const HANDLERS: Record<Format, string> = { zip: 'ZipArchive', gzip: 'TgzArchive', bzip2: 'TarBzipArchive', xz: 'TarXzArchive', zstd: 'TarZstdArchive', tar: 'TarArchive' };

// Zip archives are compared by extracting them into a scratch directory and comparing each file with dest's.
const ZIP_COMPARE_SCRIPT = `set -e
src=$1 dest=$2; shift 2
t=$(mktemp -d "\${TMPDIR:-/tmp}/kbrun-unzip-XXXXXXXX")
trap 'rm -rf -- "$t"' EXIT
unzip -q -o "$src" -d "$t" "$@"
cd "$t"
find . ! -name . | while IFS= read -r f; do
  if [ -d "$f" ]; then [ -d "$dest/$f" ] || echo "missing $f"
  else cmp -s -- "$f" "$dest/$f" || echo "differs $f"; fi
done`;

/** Unpacks an archive (tar, tar.gz/bz2/xz/zst, zip) into a directory of the target, only when its content differs. */
export const unarchive = defineModule<UnarchiveArgs>({
  name: 'unarchive',
  description: 'Unpacks an archive into a directory (ansible.builtin.unarchive): from the controller (copied over) or already on the target (remote_src), or a URL the target fetches.',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: "The archive: a controller file (files/ beside the playbook or role), or with remote_src a target path or URL." },
      dest: { type: 'string', description: 'An existing directory on the target.' },
      remote_src: { type: 'boolean', default: false, description: 'src is on the target (or a URL the target downloads).' },
      creates: { type: 'string', description: 'Do nothing when this path exists on the target.' },
      list_files: { type: 'boolean', default: false, description: 'Return the archive members as files.' },
      exclude: listSchema('Members not to extract.'),
      include: listSchema('Only these members are extracted.'),
      keep_newer: { type: 'boolean', default: false, description: 'Do not replace files newer than the archive members.' },
      extra_opts: listSchema('Extra options of tar or unzip.'),
      mode: MODE_SCHEMA,
      owner: { type: ['string', 'integer'], description: 'Owner of the extracted files.' },
      group: { type: ['string', 'integer'], description: 'Group of the extracted files.' },
      validate_certs: { type: 'boolean', default: true, description: 'Check TLS certificates of a URL src.' },
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const base: ModuleResult = { dest: args.dest, src: args.src };
    if (args.creates !== undefined && (await runScript(ctx, '[ -e "$1" ]', [args.creates])).rc === 0) {
      return { ...base, changed: false, skipped: false, msg: `skipped, since ${args.creates} exists` };
    }
    if ((await runScript(ctx, '[ -d "$1" ]', [args.dest])).rc !== 0) return failure(`dest '${args.dest}' must be an existing dir`, base);
    const mode = parseOctalMode(args.mode);
    if (typeof mode === 'object') return failure(mode.error, base);

    const source = await stageSource(ctx, args);
    if ('error' in source) return failure(source.error, base);
    try {
      const format = await detectFormat(ctx, source.path);
      if (!format) return failure(`Failed to find handler for "${args.src}". Make sure the required command to extract the file is installed.`, base);
      const handler = HANDLERS[format];
      const exclude = listArgument(args.exclude);
      const include = listArgument(args.include);
      const extra = listArgument(args.extra_opts);
      const members = await listMembers(ctx, format, source.path);
      if ('error' in members) return failure(members.error, base);

      // Is the archive already unpacked there?
      let differences: string[];
      if (format === 'zip') {
        const compared = await runScript(ctx, ZIP_COMPARE_SCRIPT, [source.path, args.dest, ...include, ...(exclude.length > 0 ? ['-x', ...exclude] : [])]);
        if (compared.rc !== 0 && compared.stdout === '') return failure(`comparing ${args.src} with ${args.dest} failed: ${errorLine(compared)}`, base);
        differences = outputLines(compared.stdout);
      } else {
        const compared = await run(ctx, ['tar', '--compare', '-f', source.path, '-C', args.dest, ...exclude.map((e) => `--exclude=${e}`), ...include]);
        differences = [...outputLines(compared.stdout), ...outputLines(compared.stderr)].filter((line) => !/(Uid|Gid) differs/.test(line) && !(args.keep_newer && /Mod time differs/.test(line)));
        if (compared.rc > 1) differences.push(errorLine(compared));
      }
      const attributes = await attributeChanges(ctx, args, mode, members.filter((m) => !exclude.includes(m)));
      const changed = differences.length > 0 || attributes.length > 0;
      const result: ModuleResult = { ...base, changed, handler, ...(args.list_files ? { files: members } : {}) };
      if (!changed || ctx.check) return result;

      if (differences.length > 0) {
        const argv =
          format === 'zip'
            ? ['unzip', '-o', ...extra, source.path, ...include, ...(exclude.length > 0 ? ['-x', ...exclude] : []), '-d', args.dest]
            : ['tar', '-x', '-f', source.path, '-C', args.dest, ...(args.keep_newer ? ['--keep-newer-files'] : []), ...exclude.map((e) => `--exclude=${e}`), ...extra, ...include];
        const done = await run(ctx, argv);
        result['extract_results'] = { cmd: commandLine(argv), rc: done.rc, out: done.stdout, err: done.stderr };
        if (done.rc !== 0) return failure(`Failed to unpack ${args.src} to ${args.dest}: ${errorLine(done)}`, result);
      }
      const again = await attributeChanges(ctx, args, mode, members.filter((m) => !exclude.includes(m)));
      for (const argv of again) {
        const done = await run(ctx, argv);
        if (done.rc !== 0) return failure(`${argv[0]} failed: ${errorLine(done)}`, result);
      }
      return result;
    } finally {
      if (source.temporary) await run(ctx, ['rm', '-f', '--', source.path]);
    }
  },
});

// The archive on the target: uploaded from the controller, downloaded by the target, or already there.
async function stageSource(ctx: ModuleContext, args: UnarchiveArgs): Promise<{ path: string; temporary: boolean } | { error: string }> {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(args.src);
  if (args.remote_src && !isUrl) {
    if ((await runScript(ctx, '[ -f "$1" ]', [args.src])).rc !== 0) return { error: `Source '${args.src}' does not exist` };
    return { path: args.src, temporary: false };
  }
  const temp = await targetTempFile(ctx);
  if (typeof temp !== 'string') return temp;
  if (isUrl) {
    const fetched = await downloadOnTarget(ctx, args.src, temp, { timeout: 30, validateCerts: args.validate_certs });
    if (!fetched.ok) {
      await run(ctx, ['rm', '-f', '--', temp]);
      return { error: `Failure downloading ${args.src}: ${fetched.msg}` };
    }
    return { path: temp, temporary: true };
  }
  let data: Buffer;
  try {
    data = await readFile(ctx.findFile('files', args.src));
  } catch (error) {
    await run(ctx, ['rm', '-f', '--', temp]);
    return { error: `Could not find or access '${args.src}' on the controller: ${(error as Error).message}` };
  }
  await ctx.connection.put(temp, data, { mode: 0o600 });
  return { path: temp, temporary: true };
}

/** The archive format from its first bytes. */
async function detectFormat(ctx: ModuleContext, path: string): Promise<Format | undefined> {
  const magic = (await run(ctx, ['od', '-An', '-tx1', '-N6', '--', path])).stdout.replace(/\s+/g, '');
  if (magic.startsWith('504b0304') || magic.startsWith('504b0506')) return 'zip';
  if (magic.startsWith('1f8b')) return 'gzip';
  if (magic.startsWith('425a68')) return 'bzip2';
  if (magic.startsWith('fd377a585a00')) return 'xz';
  if (magic.startsWith('28b52ffd')) return 'zstd';
  const ustar = await run(ctx, ['tar', '-t', '-f', path]);
  return ustar.rc === 0 ? 'tar' : undefined;
}

async function listMembers(ctx: ModuleContext, format: Format, path: string): Promise<string[] | { error: string }> {
  const listed = format === 'zip' ? await run(ctx, ['unzip', '-Z1', '--', path]) : await run(ctx, ['tar', '-t', '-f', path]);
  if (listed.rc !== 0) {
    if (listed.rc === 127) return { error: `${format === 'zip' ? 'unzip' : 'tar'} is not installed on the target` };
    return { error: `Unable to list the files in ${path}: ${errorLine(listed)}` };
  }
  return outputLines(listed.stdout).filter((line) => line !== '');
}

// chown/chmod commands for members whose attributes differ from owner/group/mode.
async function attributeChanges(ctx: ModuleContext, args: UnarchiveArgs, mode: number | undefined, members: string[]): Promise<string[][]> {
  if (args.owner === undefined && args.group === undefined && mode === undefined) return [];
  const paths = members.map((m) => `${args.dest.replace(/\/$/, '')}/${m.replace(/\/$/, '')}`);
  const stat = await run(ctx, ['stat', '-c', '%U\t%G\t%u\t%g\t%a\t%n', '--', ...paths]);
  const chown: string[] = [];
  const chmod: string[] = [];
  for (const line of outputLines(stat.stdout)) {
    const [owner, group, uid, gid, bits, path] = line.split('\t');
    const same = (want: string | number | undefined, name?: string, id?: string) => want === undefined || String(want) === (/^\d+$/.test(String(want)) ? id : name);
    if (!same(args.owner, owner, uid) || !same(args.group, group, gid)) chown.push(path!);
    if (mode !== undefined && Number.parseInt(bits ?? '', 8) !== mode) chmod.push(path!);
  }
  if (stat.rc !== 0 && outputLines(stat.stdout).length < paths.length) chown.push(...paths.filter((p) => !stat.stdout.includes(p)));
  const spec = `${args.owner ?? ''}${args.group !== undefined ? `:${args.group}` : ''}`;
  return [...(chown.length > 0 && spec !== '' ? [['chown', spec, '--', ...chown]] : []), ...(chmod.length > 0 ? [['chmod', mode!.toString(8).padStart(4, '0'), '--', ...chmod]] : [])];
}
