import { defineModule } from '@kbrun/core';
import { parseOctalMode, MODE_SCHEMA } from '../lib/file-mode.js';
import { applyFilePlan, planFile, readFileFacts, type FilePlan } from '../lib/managed-file.js';
import { failure } from '../lib/results.js';
import { errorLine, outputLines, run, runScript } from '../lib/target.js';

/** Arguments of `apt_repository` (ansible.builtin.apt_repository). */
export interface AptRepositoryArgs {
  repo: string;
  state: 'present' | 'absent';
  filename?: string;
  mode?: string | number;
  update_cache: boolean;
  'update-cache'?: boolean;
  update_cache_retries: number;
  update_cache_retry_max_delay: number;
  validate_certs: boolean;
  codename?: string;
  install_python_apt: boolean;
}

const SOURCES_LIST = '/etc/apt/sources.list';
const SOURCES_DIR = '/etc/apt/sources.list.d';

// Every one-line sources file, each introduced by a marker line.
const READ_SOURCES_SCRIPT = 'for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && printf "\\001%s\\n" "$f"; done; exit 0';

/** Adds or removes a one-line apt source (`deb [signed-by=…] URI suite components`), then refreshes the cache. */
export const aptRepository = defineModule<AptRepositoryArgs>({
  name: 'apt_repository',
  description: 'Adds or removes a one-line apt source in sources.list.d (ansible.builtin.apt_repository); PPAs are not supported.',
  schema: {
    type: 'object',
    properties: {
      repo: { type: 'string', description: "The source line, e.g. 'deb [signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable'." },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the source is configured.' },
      filename: { type: 'string', description: 'File name in sources.list.d, without .list (default: derived from the URI, as Ansible does).' },
      mode: { ...MODE_SCHEMA, description: 'Mode of a new sources file (default 0644).' },
      update_cache: { type: 'boolean', default: true, description: 'apt-get update after a change.' },
      'update-cache': { type: 'boolean', description: 'Alias of update_cache.' },
      update_cache_retries: { type: 'integer', minimum: 0, default: 5, description: 'Attempts of apt-get update.' },
      update_cache_retry_max_delay: { type: 'integer', minimum: 0, default: 12, description: 'Longest pause in seconds between attempts.' },
      validate_certs: { type: 'boolean', default: true, description: 'Accepted for compatibility (no download happens).' },
      codename: { type: 'string', description: 'Accepted for compatibility (used by Ansible for PPAs only).' },
      install_python_apt: { type: 'boolean', default: true, description: 'Accepted for compatibility: kbrun needs no Python on the target.' },
    },
    required: ['repo'],
    additionalProperties: false,
  },
  check: 'full',
  async run(args, ctx) {
    if (args.repo.startsWith('ppa:')) return failure('apt_repository: PPAs (ppa:…) are not supported by kbrun; give the deb line and its signed-by key');
    const wanted = normalizeSource(args.repo);
    if (wanted === undefined) return failure(`Invalid repository string: ${args.repo}`);
    const mode = parseOctalMode(args.mode);
    if (typeof mode === 'object') return failure(mode.error);

    const listed = await runScript(ctx, READ_SOURCES_SCRIPT);
    const files = outputLines(listed.stdout).map((line) => line.slice(1));
    const plans: { plan: FilePlan; content: string | null }[] = [];
    const added: string[] = [];
    const removed: string[] = [];
    let present = false;
    const facts = [];
    for (const path of files) facts.push(await readFileFacts(ctx, path));
    for (const file of facts) for (const line of (file.content ?? '').split('\n')) if (normalizeSource(line) === wanted) present = true;

    if (args.state === 'present' && !present) {
      // A commented-out copy is enabled in place; otherwise the line goes into its own file.
      const disabled = facts.find((file) => (file.content ?? '').split('\n').some((line) => disabledSource(line) === wanted));
      if (disabled) {
        const content = (disabled.content ?? '').split('\n').map((line) => (disabledSource(line) === wanted ? line.replace(/^\s*#\s*/, '') : line)).join('\n');
        plans.push({ plan: planFile(disabled, { content }), content });
        added.push(disabled.path);
      } else {
        const path = `${SOURCES_DIR}/${args.filename ?? suggestFilename(args.repo)}.list`;
        const file = facts.find((f) => f.path === path) ?? (await readFileFacts(ctx, path));
        const before = file.content ?? '';
        const content = `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${args.repo.trim()}\n`;
        plans.push({ plan: planFile(file, { content, mode: file.exists ? undefined : (mode ?? 0o644) }), content });
        added.push(path);
      }
    } else if (args.state === 'absent' && present) {
      for (const file of facts) {
        const lines = (file.content ?? '').split('\n');
        const kept = lines.filter((line) => normalizeSource(line) !== wanted);
        if (kept.length === lines.length) continue;
        const content = kept.join('\n');
        // A file left without any source is deleted (Ansible does the same); sources.list itself is kept.
        const empty = file.path !== SOURCES_LIST && !kept.some((line) => normalizeSource(line) !== undefined || disabledSource(line) !== undefined);
        plans.push({ plan: planFile(file, { content: empty ? null : content }), content: empty ? null : content });
        removed.push(file.path);
      }
    }
    const changed = plans.some((p) => p.plan.changed);
    const result: Record<string, unknown> = { changed, repo: args.repo, state: args.state, sources_added: added, sources_removed: removed };
    if (ctx.diff && changed) result['diff'] = plans.map((p) => p.plan.diff);
    if (!changed || ctx.check) return result;
    for (const { plan, content } of plans) {
      const error = await applyFilePlan(ctx, plan, content);
      if (error) return failure(error, result);
    }
    if (args.update_cache && args['update-cache'] !== false) {
      let last = '';
      for (let attempt = 0; attempt <= args.update_cache_retries; attempt++) {
        const update = await run(ctx, ['apt-get', 'update', '-q'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
        if (update.rc === 0) return result;
        last = errorLine(update);
        if (attempt < args.update_cache_retries) await ctx.sleep(Math.min(2 ** attempt, args.update_cache_retry_max_delay) * 1000);
      }
      return failure(`Failed to update apt cache: ${last}`, result);
    }
    return result;
  },
});

/** A source line in a comparable form (whitespace collapsed, options sorted), or undefined for other lines. */
export function normalizeSource(line: string): string | undefined {
  const text = line.replace(/#.*$/, '').trim();
  const match = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)((?:\s+\S+)*)$/.exec(text);
  if (!match) return undefined;
  const options = (match[2] ?? '').trim().split(/\s+/).filter((o) => o !== '').sort();
  const uri = match[3]!.replace(/\/+$/, '');
  const components = (match[5] ?? '').trim().split(/\s+/).filter((c) => c !== '');
  return [match[1], options.length > 0 ? `[${options.join(' ')}]` : '', uri, match[4], ...components].filter((w) => w !== '').join(' ');
}

function disabledSource(line: string): string | undefined {
  const match = /^\s*#\s*(deb(-src)?\s.*)$/.exec(line);
  return match ? normalizeSource(match[1]!) : undefined;
}

/** The file name Ansible chooses for a source line: the URI's host and path, non-alphanumerics turned into `_`. */
export function suggestFilename(repo: string): string {
  const words = repo
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\w+:\/\//g, '')
    .split(/\s+/)
    .filter((word) => word !== '' && word !== 'deb' && word !== 'deb-src');
  const first = (words[0] ?? 'repository').replace(/^.*@/, '');
  return first.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(/\s+/).join('_');
}
