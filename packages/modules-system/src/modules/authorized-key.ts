import { defineModule, type ModuleContext } from '@kbrun/core';
import { downloadOnTarget, targetTempFile } from '../lib/download.js';
import { failure, withDiff } from '../lib/results.js';
import { errorLine, run, runScript } from '../lib/target.js';

/** Arguments of `authorized_key` (ansible.posix.authorized_key). */
export interface AuthorizedKeyArgs {
  user: string;
  key: string;
  path?: string;
  manage_dir: boolean;
  state: 'present' | 'absent';
  key_options?: string;
  exclusive: boolean;
  validate_certs: boolean;
  comment?: string;
  follow: boolean;
}

/** One key line: options, type, base64 blob, comment. */
export interface KeyLine {
  options?: string;
  type: string;
  blob: string;
  comment?: string;
}

const KEY_TYPE = /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com|ssh-(rsa|ed25519)-cert-v01@openssh\.com)$/;

/** Adds or removes SSH public keys in a user's authorized_keys, keeping every other line as it is. */
export const authorizedKey = defineModule<AuthorizedKeyArgs>({
  name: 'authorized_key',
  description: "Adds or removes SSH keys in a user's authorized_keys (ansible.posix.authorized_key); exclusive keeps only the given keys.",
  schema: {
    type: 'object',
    properties: {
      user: { type: 'string', description: 'The account whose authorized_keys is edited.' },
      key: { type: 'string', description: 'One key, several (one per line), or an https:// URL the target fetches them from.' },
      path: { type: 'string', description: 'The file (default ~USER/.ssh/authorized_keys).' },
      manage_dir: { type: 'boolean', default: true, description: 'Create ~/.ssh (0700) and own it and the file by the user.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the keys are in the file.' },
      key_options: { type: 'string', description: 'Options put before each key, e.g. from="10.0.0.0/16",no-agent-forwarding.' },
      exclusive: { type: 'boolean', default: false, description: 'Remove every other key from the file.' },
      validate_certs: { type: 'boolean', default: true, description: 'Check TLS certificates when key is a URL.' },
      comment: { type: 'string', description: 'Replace the comment of the keys.' },
      follow: { type: 'boolean', default: false, description: 'Follow a symbolic link at path.' },
    },
    required: ['user', 'key'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    const passwd = await run(ctx, ['getent', 'passwd', args.user]);
    if (passwd.rc !== 0) {
      if (ctx.check) return { changed: true, user: args.user, msg: `user ${args.user} does not exist: a real run fails unless an earlier task creates it` };
      return failure(`Failed to lookup user ${args.user}: the user does not exist`);
    }
    const [, , uid, gid, , home] = passwd.stdout.trim().split('\n')[0]!.split(':');
    const keyText = /^https?:\/\//.test(args.key) ? await fetchKeys(ctx, args) : args.key;
    if (typeof keyText !== 'string') return failure(keyText.error);
    let path = args.path ?? `${home}/.ssh/authorized_keys`;
    if (args.follow) {
      const real = await run(ctx, ['readlink', '-f', '--', path]);
      if (real.rc === 0 && real.stdout.trim() !== '') path = real.stdout.trim();
    }
    const wanted: KeyLine[] = [];
    for (const line of keyText.split('\n')) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const parsed = parseKeyLine(line);
      if (!parsed) return failure(`invalid key specified: ${line.trim()}`);
      if (args.key_options !== undefined) parsed.options = args.key_options;
      if (args.comment !== undefined) parsed.comment = args.comment;
      wanted.push(parsed);
    }
    const before = (await ctx.connection.get(path))?.toString('utf8') ?? null;
    const after = editAuthorizedKeys(before ?? '', wanted, args.state, args.exclusive);
    const changed = after !== (before ?? '') || (before === null && args.state === 'present');
    const result = withDiff({ changed, user: args.user, key: args.key, key_options: args.key_options ?? null, keyfile: path, manage_dir: args.manage_dir, path: args.path ?? null, state: args.state, exclusive: args.exclusive, comment: args.comment ?? null, follow: args.follow, validate_certs: args.validate_certs }, ctx.diff, { before: before ?? '', after, before_header: path, after_header: path });
    if (!changed || ctx.check) return result;
    if (args.manage_dir) {
      const dir = await runScript(ctx, 'd=$(dirname -- "$1"); if [ ! -d "$d" ]; then mkdir -p -m 0700 -- "$d" && chown -- "$2" "$d"; fi', [path, `${uid}:${gid}`]);
      if (dir.rc !== 0) return failure(`creating the directory of ${path}: ${errorLine(dir)}`);
    }
    await ctx.connection.put(path, after, { mode: 0o600 });
    if (args.manage_dir) {
      const owned = await run(ctx, ['chown', `${uid}:${gid}`, '--', path]);
      if (owned.rc !== 0) return failure(`chown ${path}: ${errorLine(owned)}`);
    }
    return result;
  },
});

/** Parses "[options] type blob [comment]" (options may hold quoted spaces). */
export function parseKeyLine(line: string): KeyLine | undefined {
  const text = line.trim();
  const words: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (current !== '') words.push(current);
      current = '';
    } else current += ch;
  }
  if (current !== '') words.push(current);
  const typeAt = words.findIndex((word) => KEY_TYPE.test(word));
  if (typeAt < 0 || typeAt > 1 || words[typeAt + 1] === undefined) return undefined;
  const key: KeyLine = { type: words[typeAt]!, blob: words[typeAt + 1]! };
  if (typeAt === 1) key.options = words[0]!;
  const comment = words.slice(typeAt + 2).join(' ');
  if (comment !== '') key.comment = comment;
  return key;
}

function formatKey(key: KeyLine): string {
  return [key.options, key.type, key.blob, key.comment].filter((part) => part !== undefined && part !== '').join(' ');
}

/** authorized_keys text after adding/replacing or removing keys (matched by their blob); other lines are kept. */
export function editAuthorizedKeys(content: string, keys: KeyLine[], state: 'present' | 'absent', exclusive: boolean): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const byBlob = new Map(keys.map((key) => [key.blob, key]));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const parsed = line.trim().startsWith('#') ? undefined : parseKeyLine(line);
    if (!parsed) {
      out.push(line);
      continue;
    }
    const wanted = byBlob.get(parsed.blob);
    if (state === 'absent') {
      if (!wanted) out.push(line);
      continue;
    }
    if (!wanted) {
      if (!exclusive) out.push(line);
      continue;
    }
    if (seen.has(parsed.blob)) continue;
    seen.add(parsed.blob);
    const same = (parsed.options ?? '') === (wanted.options ?? '') && (wanted.comment === undefined || parsed.comment === wanted.comment);
    out.push(same ? line : formatKey({ ...wanted, comment: wanted.comment ?? parsed.comment }));
  }
  if (state === 'present') for (const key of keys) if (!seen.has(key.blob)) out.push(formatKey(key)), seen.add(key.blob);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

// key: https://… — fetched by the target, as Ansible's module does.
async function fetchKeys(ctx: ModuleContext, args: AuthorizedKeyArgs): Promise<string | { error: string }> {
  const temp = await targetTempFile(ctx);
  if (typeof temp !== 'string') return temp;
  try {
    const fetched = await downloadOnTarget(ctx, args.key, temp, { validateCerts: args.validate_certs });
    if (!fetched.ok) return { error: `Error getting key from: ${args.key}: ${fetched.msg}` };
    return (await ctx.connection.get(temp))?.toString('utf8') ?? '';
  } finally {
    await run(ctx, ['rm', '-f', '--', temp]);
  }
}
