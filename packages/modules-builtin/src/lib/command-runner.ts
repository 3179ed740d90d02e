import type { ExecOptions, ModuleContext, ModuleResult } from '@kbrun/core';
import { formatDelta, formatTimestamp, nowMicros } from './ansible-time.js';
import { splitLines } from './lines.js';

/** The options `command` and `shell` share (Ansible's names). */
export interface CommandOptions {
  chdir?: string | undefined;
  creates?: string | undefined;
  removes?: string | undefined;
  stdin?: string | undefined;
  stdin_add_newline?: boolean | undefined;
  strip_empty_ends?: boolean | undefined;
}

/** One command to run: the argument vector executed, and what the result reports as `cmd`. */
export interface CommandRequest extends CommandOptions {
  argv: string[];
  display: string | string[];
}

// One round trip for chdir/creates/removes. `creates`/`removes` are globs (as in Ansible), relative to chdir;
// IFS= keeps a pattern with spaces one word while still expanding it.
const PRECHECK_SCRIPT = `if [ -n "$1" ]; then cd -- "$1" 2>/dev/null || { echo nochdir; exit 0; }; fi
found() { IFS=; for f in $1; do if [ -e "$f" ] || [ -L "$f" ]; then return 0; fi; done; return 1; }
c=-; r=-
if [ -n "$2" ]; then if found "$2"; then c=1; else c=0; fi; fi
if [ -n "$3" ]; then if found "$3"; then r=1; else r=0; fi; fi
echo "$c$r"
`;

/** Runs a command on the target the way Ansible's command/shell modules do, with their result shape. */
export async function runCommandModule(ctx: ModuleContext, request: CommandRequest): Promise<ModuleResult> {
  const skippedBase = { cmd: request.display, rc: null, stdout: '', stderr: '', start: null, end: null, delta: null };
  if (request.argv.length === 0 || request.argv[0] === '') {
    return { ...skippedBase, failed: true, changed: false, rc: 256, msg: 'no command given' };
  }
  if (request.chdir || request.creates || request.removes) {
    const check = await ctx.connection.exec(['sh', '-c', PRECHECK_SCRIPT, 'kbrun-precheck', request.chdir ?? '', request.creates ?? '', request.removes ?? ''], {
      signal: ctx.signal,
    });
    const answer = check.stdout.trim();
    if (check.rc !== 0 || answer === 'nochdir') {
      return { ...skippedBase, failed: true, changed: false, msg: `Unable to change directory before execution: ${request.chdir} does not exist or is not a directory` };
    }
    // Ansible's wording: "Did not run" for real, "Would not run" in check mode.
    const notRun = (path: string, state: 'exists' | 'does not exist') => {
      const stdout = `skipped, since ${path} ${state}`;
      return { ...skippedBase, changed: false, rc: 0, stdout, stdout_lines: [stdout], stderr_lines: [], msg: `${ctx.check ? 'Would' : 'Did'} not run command since '${path}' ${state}` };
    };
    if (answer[0] === '1') return notRun(request.creates!, 'exists');
    if (answer[1] === '0') return notRun(request.removes!, 'does not exist');
  }
  if (ctx.check) {
    // Ansible: with creates/removes that would let the command run, report a change; without them, skip.
    const decided = Boolean(request.creates || request.removes);
    return { ...skippedBase, rc: 0, changed: decided, ...(decided ? {} : { skipped: true }), msg: 'Command would have run if not in check mode' };
  }

  const options: ExecOptions = { signal: ctx.signal };
  if (request.chdir) options.cwd = request.chdir;
  if (Object.keys(ctx.environment).length > 0) options.env = ctx.environment;
  if (request.stdin !== undefined) options.stdin = request.stdin_add_newline === false ? request.stdin : `${request.stdin}\n`;
  ctx.log(`running ${JSON.stringify(request.argv)}`);
  const start = nowMicros();
  const result = await ctx.connection.exec(request.argv, options);
  const end = nowMicros();
  const strip = request.strip_empty_ends !== false;
  const stdout = strip ? result.stdout.replace(/[\r\n]+$/, '') : result.stdout;
  const stderr = strip ? result.stderr.replace(/[\r\n]+$/, '') : result.stderr;
  const out: ModuleResult = {
    changed: true,
    cmd: request.display,
    rc: result.rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    start: formatTimestamp(start),
    end: formatTimestamp(end),
    delta: formatDelta(end - start),
    msg: '',
  };
  if (result.rc !== 0) {
    out.failed = true;
    out.msg = 'non-zero return code';
  }
  return out;
}
