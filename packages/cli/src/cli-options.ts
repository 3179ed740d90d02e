import { parseArgs } from 'node:util';
import { KbrunError } from '@kbrun/core';

/** The command line, parsed and checked. */
export interface CliOptions {
  command: 'run' | 'schema' | 'help' | 'version';
  playbooks: string[];
  inventory: string[];
  limit: string | undefined;
  extraVars: string[];
  check: boolean;
  diff: boolean;
  forks: number;
  verbosity: number;
  syntaxCheck: boolean;
  output: 'text' | 'json';
  color: boolean;
  tags: string[];
  skipTags: string[];
  startAtTask: string | undefined;
  forceHandlers: boolean;
  list: { hosts: boolean; tasks: boolean; tags: boolean };
  logFile: string | undefined;
  logDir: string | undefined;
}

/** `kbrun --help`. */
export const USAGE = `usage: kbrun [options] PLAYBOOK.yml [PLAYBOOK.yml …]
       kbrun schema            print the JSON Schema of the playbook language

options:
  -i, --inventory SOURCE   inventory file, directory or host list (a,b,); repeatable
  -l, --limit PATTERN      run only on hosts matching the pattern (host, group, glob, a:b, a:&b, a:!b)
  -e, --extra-vars VARS    key=value, a JSON mapping, or @file.yml; repeatable, highest precedence
  -C, --check              dry run: change nothing, report what would change
  -D, --diff               show a unified diff of file changes
  -f, --forks N            hosts run in parallel (default 50)
  -t, --tags TAGS          run only tasks with these tags (comma-separated; repeatable)
      --skip-tags TAGS     skip tasks with these tags
      --start-at-task NAME start at the first task of that name
      --force-handlers     run notified handlers even on hosts that failed
  -v, --verbose            show results (-v), more with -vv, commands with -vvv
      --syntax-check       validate the playbook without running it
      --list-hosts         list the hosts each play would run on
      --list-tasks         list the tasks that would run
      --list-tags          list the tags of the tasks that would run
      --log-file PATH      append a plain-text log of the run, with timestamps
      --log-dir DIR        write one log per play batch (batch-N-complete.log)
      --output text|json   console output (default) or one JSON event per line
      --no-color           no colours (NO_COLOR in the environment does the same)
  -h, --help               this text
      --version            kbrun's version

exit codes: 0 ok, 1 error, 2 a host failed, 4 a host unreachable or the playbook could not be loaded, 5 bad options`;

/** `-t a,b -t c` → ['a', 'b', 'c']. */
function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** Parses argv; throws E_CLI_OPTION (exit code 5) for anything it can't accept. */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        inventory: { type: 'string', short: 'i', multiple: true },
        limit: { type: 'string', short: 'l' },
        'extra-vars': { type: 'string', short: 'e', multiple: true },
        check: { type: 'boolean', short: 'C' },
        diff: { type: 'boolean', short: 'D' },
        forks: { type: 'string', short: 'f' },
        verbose: { type: 'boolean', short: 'v', multiple: true },
        'syntax-check': { type: 'boolean' },
        tags: { type: 'string', short: 't', multiple: true },
        'skip-tags': { type: 'string', multiple: true },
        'start-at-task': { type: 'string' },
        'force-handlers': { type: 'boolean' },
        'list-hosts': { type: 'boolean' },
        'list-tasks': { type: 'boolean' },
        'list-tags': { type: 'boolean' },
        'log-file': { type: 'string' },
        'log-dir': { type: 'string' },
        output: { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new KbrunError('E_CLI_OPTION', (error as Error).message, { hint: 'run kbrun --help for the options' });
  }
  const { values, positionals } = parsed;
  const forks = values.forks === undefined ? 50 : Number(values.forks);
  if (!Number.isInteger(forks) || forks < 1) throw new KbrunError('E_CLI_OPTION', `--forks expects a positive integer, got '${values.forks}'`);
  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new KbrunError('E_CLI_OPTION', `--output expects text or json, got '${output}'`);
  const command = values.help ? 'help' : values.version ? 'version' : positionals[0] === 'schema' ? 'schema' : 'run';
  const playbooks = command === 'run' ? positionals : [];
  if (command === 'run' && playbooks.length === 0) throw new KbrunError('E_CLI_OPTION', 'no playbook given', { hint: 'kbrun playbooks/examples/hello.yml' });
  return {
    command,
    playbooks,
    inventory: values.inventory ?? [],
    limit: values.limit,
    extraVars: values['extra-vars'] ?? [],
    check: values.check ?? false,
    diff: values.diff ?? false,
    forks,
    verbosity: values.verbose?.length ?? 0,
    syntaxCheck: values['syntax-check'] ?? false,
    output,
    color: !values['no-color'] && env['NO_COLOR'] === undefined && (env['FORCE_COLOR'] !== undefined || process.stdout.isTTY === true),
    tags: splitList(values.tags),
    skipTags: splitList(values['skip-tags']),
    startAtTask: values['start-at-task'],
    forceHandlers: values['force-handlers'] ?? false,
    list: { hosts: values['list-hosts'] ?? false, tasks: values['list-tasks'] ?? false, tags: values['list-tags'] ?? false },
    logFile: values['log-file'],
    logDir: values['log-dir'],
  };
}
