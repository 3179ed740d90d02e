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
  -v, --verbose            show results (-v), more with -vv, commands with -vvv
      --syntax-check       validate the playbook without running it
      --output text|json   console output (default) or one JSON event per line
      --no-color           no colours (NO_COLOR in the environment does the same)
  -h, --help               this text
      --version            kbrun's version

exit codes: 0 ok, 1 error, 2 a host failed, 4 a host unreachable or the playbook could not be loaded, 5 bad options`;

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
  };
}
