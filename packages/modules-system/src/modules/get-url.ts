import { defineModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { applyAttributes, planAttributes } from '../lib/attributes.js';
import { DIGEST_PROGRAMS, downloadOnTarget, targetDigest, targetTempFile } from '../lib/download.js';
import { MODE_SCHEMA } from '../lib/file-mode.js';
import { failure } from '../lib/results.js';
import { errorLine, run, runScript } from '../lib/target.js';

/** Arguments of `get_url` (ansible.builtin.get_url). */
export interface GetUrlArgs {
  url: string;
  dest: string;
  checksum: string;
  force: boolean;
  backup: boolean;
  mode?: string | number;
  owner?: string | number;
  group?: string | number;
  timeout: number;
  headers?: Record<string, string>;
  url_username?: string;
  username?: string;
  url_password?: string;
  password?: string;
  force_basic_auth: boolean;
  validate_certs: boolean;
  http_agent: string;
  tmp_dest?: string;
  use_proxy: boolean;
}

// Moves the download into place: parent kept, the old file's mode kept (or the umask's), optional backup.
const INSTALL_SCRIPT = `set -e
tmp=$1 dest=$2 backup=$3
if [ -e "$dest" ]; then m=$(stat -c %a -- "$dest"); else m=$(printf %o $((0666 & ~0$(umask)))); fi
if [ "$backup" = 1 ] && [ -e "$dest" ]; then b="$dest.$$.$(date +%Y-%m-%d@%H:%M:%S~)"; cp -p -- "$dest" "$b"; echo "$b"; fi
chmod "$m" "$tmp"
mv -f -- "$tmp" "$dest"`;

/** Downloads a file from the target (curl, wget or python3 there), verifying its checksum, replacing it only when it changed. */
export const getUrl = defineModule<GetUrlArgs>({
  name: 'get_url',
  description: 'Downloads a file on the target from HTTP, HTTPS, FTP or file:// URLs (ansible.builtin.get_url), with checksum verification.',
  schema: {
    type: 'object',
    properties: {
      url: { type: 'string', description: 'What to download (the target fetches it, from its own network).' },
      dest: { type: 'string', description: 'Where: a file path, or a directory (the name comes from the URL).' },
      checksum: { type: 'string', default: '', description: "'ALGORITHM:DIGEST' or 'ALGORITHM:URL' of a checksums file; an existing dest with that digest is not downloaded again." },
      force: { type: 'boolean', default: false, description: 'Download even when dest exists (replaced only when the content differs).' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of a replaced dest.' },
      mode: MODE_SCHEMA,
      owner: { type: ['string', 'integer'], description: 'Owner of dest.' },
      group: { type: ['string', 'integer'], description: 'Group of dest.' },
      timeout: { type: 'integer', default: 10, description: 'Connect timeout in seconds.' },
      headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Request headers.' },
      url_username: { type: 'string', description: 'Basic authentication user.' },
      username: { type: 'string', description: 'Alias of url_username.' },
      url_password: { type: 'string', description: 'Basic authentication password.' },
      password: { type: 'string', description: 'Alias of url_password.' },
      force_basic_auth: { type: 'boolean', default: false, description: 'Send credentials with the first request (kbrun always does when given).' },
      validate_certs: { type: 'boolean', default: true, description: 'Check TLS certificates.' },
      http_agent: { type: 'string', default: 'ansible-httpget', description: 'User-Agent header.' },
      tmp_dest: { type: 'string', description: 'Directory for the temporary download (default: the target TMPDIR or /tmp).' },
      use_proxy: { type: 'boolean', default: true, description: "Accepted for compatibility: the target's tools follow its proxy environment." },
    },
    required: ['url', 'dest'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const started = Date.now();
    let dest = args.dest;
    if ((await runScript(ctx, '[ -d "$1" ]', [dest])).rc === 0) {
      const name = decodeURIComponent(new URL(args.url).pathname.split('/').pop() ?? '');
      if (name === '') return failure(`cannot name a file in ${dest} after ${args.url}: give dest a file name`);
      dest = `${dest.replace(/\/$/, '')}/${name}`;
    }
    const expected = await parseChecksum(ctx, args);
    if ('error' in expected) return failure(expected.error, { dest, url: args.url });
    const attributes = { mode: args.mode, owner: args.owner, group: args.group };
    const exists = (await runScript(ctx, '[ -f "$1" ]', [dest])).rc === 0;
    const base: ModuleResult = { dest, url: args.url };

    // No download when dest is there, unless forced or its checksum is wrong (Ansible's rule).
    if (exists && !args.force) {
      const matches = expected.algorithm === undefined || (await targetDigest(ctx, dest, expected.algorithm)) === expected.digest;
      if (matches) return finishAttributes(ctx, dest, attributes, { ...base, changed: false, msg: 'file already exists', checksum_dest: await targetDigest(ctx, dest, 'sha1'), status_code: null });
    }

    const temp = await targetTempFile(ctx);
    if (typeof temp !== 'string') return failure(temp.error);
    let keepTemp = false;
    try {
      const headers: Record<string, string> = { 'User-Agent': args.http_agent, ...args.headers };
      const user = args.url_username ?? args.username;
      if (user !== undefined) headers['Authorization'] = `Basic ${Buffer.from(`${user}:${args.url_password ?? args.password ?? ''}`).toString('base64')}`;
      const fetched = await downloadOnTarget(ctx, args.url, temp, { timeout: args.timeout, headers, validateCerts: args.validate_certs });
      if (!fetched.ok) return failure(fetched.msg, { ...base, status_code: fetched.status });
      const checksumSrc = await targetDigest(ctx, temp, 'sha1');
      if (expected.algorithm !== undefined) {
        const got = await targetDigest(ctx, temp, expected.algorithm);
        if (got !== expected.digest) return failure(`The checksum for ${dest} did not match ${expected.digest}; it was ${got}.`, { ...base, checksum_src: checksumSrc });
      }
      const checksumDest = exists ? await targetDigest(ctx, dest, 'sha1') : null;
      const size = Number((await run(ctx, ['stat', '-c', '%s', '--', temp])).stdout.trim());
      const result: ModuleResult = { ...base, checksum_src: checksumSrc, checksum_dest: checksumDest, size, status_code: fetched.status, elapsed: Math.round((Date.now() - started) / 1000) };
      if (checksumSrc === checksumDest) return finishAttributes(ctx, dest, attributes, { ...result, changed: false, msg: `OK (${size} bytes)` });
      if (ctx.check) return { ...result, changed: true, msg: `OK (${size} bytes)` };
      const installed = await runScript(ctx, INSTALL_SCRIPT, [temp, dest, args.backup ? '1' : '0']);
      if (installed.rc !== 0) return failure(`moving the download to ${dest} failed: ${errorLine(installed)}`, result);
      keepTemp = true;
      if (args.backup && installed.stdout.trim() !== '') result['backup_file'] = installed.stdout.trim();
      return finishAttributes(ctx, dest, attributes, { ...result, changed: true, msg: `OK (${size} bytes)` });
    } finally {
      if (!keepTemp) await run(ctx, ['rm', '-f', '--', temp]);
    }
  },
});

// mode/owner/group of dest: planned (check mode) or applied, as part of `changed`.
async function finishAttributes(ctx: ModuleContext, dest: string, wanted: { mode?: string | number | undefined; owner?: string | number | undefined; group?: string | number | undefined }, result: ModuleResult): Promise<ModuleResult> {
  const exists = (await runScript(ctx, '[ -e "$1" ]', [dest])).rc === 0;
  if (!exists) return result; // check mode: the file is not there yet
  const plan = await planAttributes(ctx, dest, wanted);
  if ('error' in plan) return failure(plan.error, result);
  if (plan.length === 0) return result;
  if (!ctx.check) {
    const error = await applyAttributes(ctx, plan);
    if (error) return failure(error, result);
  }
  return { ...result, changed: true };
}

/** `algo:digest` or `algo:URL` (a checksums file fetched by the target: the line naming dest's file, or its only digest). */
async function parseChecksum(ctx: ModuleContext, args: GetUrlArgs): Promise<{ algorithm?: string; digest?: string } | { error: string }> {
  if (args.checksum === '') return {};
  const at = args.checksum.indexOf(':');
  if (at < 0) return { error: "The checksum parameter has to be in format '<algorithm>:<checksum>'" };
  const algorithm = args.checksum.slice(0, at).toLowerCase();
  let digest = args.checksum.slice(at + 1).trim();
  if (!DIGEST_PROGRAMS[algorithm]) return { error: `Unsupported hash algorithm: ${algorithm}` };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(digest)) {
    const temp = await targetTempFile(ctx);
    if (typeof temp !== 'string') return temp;
    try {
      const fetched = await downloadOnTarget(ctx, digest, temp, { timeout: args.timeout, validateCerts: args.validate_certs });
      if (!fetched.ok) return { error: `Failed to download the checksum file ${digest}: ${fetched.msg}` };
      const text = (await ctx.connection.get(temp))?.toString('utf8') ?? '';
      const filename = new URL(args.url).pathname.split('/').pop() ?? '';
      const lines = text.split('\n').map((line) => line.trim().split(/\s+/)).filter((parts) => parts[0] !== undefined && parts[0] !== '');
      const line = lines.find((parts) => parts[1] !== undefined && parts[1].replace(/^\*/, '').replace(/^\.\//, '') === filename) ?? (lines.length === 1 ? lines[0] : undefined);
      if (!line) return { error: `Unable to find a checksum for file '${filename}' in '${digest}'` };
      digest = line[0]!;
    } finally {
      await run(ctx, ['rm', '-f', '--', temp]);
    }
  }
  return { algorithm, digest: digest.toLowerCase() };
}
