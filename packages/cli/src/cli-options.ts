import { parseArgs } from 'node:util';
import { KbrunError, type SchemaRoot } from '@kbrun/core';
import { CONFIG_FLAG_OPTIONS, configFlagUsage, parseConfigFlags, type KbrunConfig } from './config/index.js';

/** The command line, parsed and checked (settings flags are kept apart, to be merged with the config file and env). */
export interface CliOptions {
  command: 'run' | 'schema' | 'config' | 'help' | 'version';
  playbooks: string[];
  limit: string | undefined;
  extraVars: string[];
  check: boolean;
  diff: boolean;
  verbosity: number;
  syntaxCheck: boolean;
  tags: string[];
  skipTags: string[];
  startAtTask: string | undefined;
  forceHandlers: boolean;
  list: { hosts: boolean; tasks: boolean; tags: boolean };
  /** Settings given as flags (`--forks`, `-i`, `--output`, …): they win over kbrun.config.yaml and KBRUN_* variables. */
  configFlags: Partial<KbrunConfig>;
  configFile: string | undefined;
  /** `--sim` (start the Hetzner simulator in this process) or `--sim URL` (use one already running). */
  sim: { url: string | undefined } | undefined;
  /** `--lab`: run against the hosts of the running lab (`kbrun lab up`), each reached through its loopback endpoint. */
  lab: boolean;
  /** `kbrun schema [playbook|tasks]`: the kind of file the schema describes. */
  schemaRoot: SchemaRoot;
}

/** The file kinds `kbrun schema` takes. */
const SCHEMA_ROOTS: readonly SchemaRoot[] = ['playbook', 'tasks'];

/** `kbrun --help`. */
export const USAGE = `usage: kbrun [options] PLAYBOOK.yml [PLAYBOOK.yml …]
       kbrun schema [tasks]    print the JSON Schema of the playbook language (of a task file with: tasks)
       kbrun config            print the effective settings and where each comes from
       kbrun vault encrypt|decrypt|view|edit|encrypt-string …   manage vault-encrypted files (kbrun vault --help)
       kbrun inventory generate | kbrun verify   the fleet's inventory and rebuild order from servers/servers_v3.tsv
       kbrun lab up|status|exec|stop|start|check|down …   a sealed slice of the fleet on this machine (kbrun lab --help)

options:
  -l, --limit PATTERN       run only on hosts matching the pattern (host, group, glob, a:b, a:&b, a:!b, @retry-file)
  -e, --extra-vars VARS     key=value, a JSON/YAML mapping, or @file.yml; repeatable, highest precedence
  -C, --check               dry run: change nothing, report what would change
  -D, --diff                show a unified diff of file changes
  -t, --tags TAGS           run only tasks with these tags (comma-separated; repeatable)
      --skip-tags TAGS      skip tasks with these tags
      --start-at-task NAME  start at the first task of that name
      --force-handlers      run notified handlers even on hosts that failed
  -v, --verbose             show results (-v), more with -vv, commands with -vvv
      --syntax-check        validate the playbook without running it
      --list-hosts          list the hosts each play would run on
      --list-tasks          list the tasks that would run
      --list-tags           list the tags of the tasks that would run
      --sim [URL]           run against the Hetzner Cloud simulator: in this process (seeded with the fleet), or the
                            one serving at URL (kbrun sim serve; token KBRUN_SIM_TOKEN, never HCLOUD_TOKEN);
                            loopback-only, time scaled by sim_time_scale
      --lab                 run against the lab (kbrun lab up; KBRUN_LAB names it): the fleet inventory, each lab host
                            reached through its loopback endpoint with the lab key; hosts not in the lab are unreachable
  -h, --help                this text
      --version             kbrun's version

settings (also in kbrun.config.yaml or KBRUN_* variables; flags win):
${configFlagUsage(27)}

exit codes: 0 ok, 1 error, 2 a host failed, 4 a host unreachable or the playbook could not be loaded, 5 bad options`;

/** Parses argv; throws E_CLI_OPTION (exit code 5) for anything it can't accept. */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  const { rest, sim } = extractSim(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        ...CONFIG_FLAG_OPTIONS,
        limit: { type: 'string', short: 'l' },
        'extra-vars': { type: 'string', short: 'e', multiple: true },
        check: { type: 'boolean', short: 'C' },
        diff: { type: 'boolean', short: 'D' },
        verbose: { type: 'boolean', short: 'v', multiple: true },
        'syntax-check': { type: 'boolean' },
        tags: { type: 'string', short: 't', multiple: true },
        'skip-tags': { type: 'string', multiple: true },
        'start-at-task': { type: 'string' },
        'force-handlers': { type: 'boolean' },
        'list-hosts': { type: 'boolean' },
        'list-tasks': { type: 'boolean' },
        'list-tags': { type: 'boolean' },
        lab: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new KbrunError('E_CLI_OPTION', (error as Error).message, { hint: 'run kbrun --help for the options' });
  }
  const { values, positionals } = parsed;
  const { flags, explicitFile } = parseConfigFlags(values);
  const first = positionals[0];
  const command = values.help ? 'help' : values.version ? 'version' : first === 'schema' || first === 'config' ? first : 'run';
  const playbooks = command === 'run' ? positionals : [];
  if (command === 'run' && playbooks.length === 0) throw new KbrunError('E_CLI_OPTION', 'no playbook given', { hint: 'kbrun playbooks/examples/hello.yml' });
  const schemaRoot = command === 'schema' ? parseSchemaRoot(positionals.slice(1)) : 'playbook';
  return {
    command,
    playbooks,
    limit: values.limit,
    extraVars: values['extra-vars'] ?? [],
    check: values.check ?? false,
    diff: values.diff ?? false,
    verbosity: values.verbose?.length ?? 0,
    syntaxCheck: values['syntax-check'] ?? false,
    tags: splitList(values.tags),
    skipTags: splitList(values['skip-tags']),
    startAtTask: values['start-at-task'],
    forceHandlers: values['force-handlers'] ?? false,
    list: { hosts: values['list-hosts'] ?? false, tasks: values['list-tasks'] ?? false, tags: values['list-tags'] ?? false },
    configFlags: flags,
    configFile: explicitFile,
    sim,
    lab: values.lab ?? false,
    schemaRoot,
  };
}

/** The kind after `kbrun schema`: none (a playbook), `playbook` or `tasks`. */
function parseSchemaRoot(args: readonly string[]): SchemaRoot {
  const [kind = 'playbook', ...extra] = args;
  const root = SCHEMA_ROOTS.find((r) => r === kind);
  if (root === undefined || extra.length > 0) throw new KbrunError('E_CLI_OPTION', `kbrun schema takes one of ${SCHEMA_ROOTS.join(', ')}; got ${args.join(' ')}`, { hint: 'kbrun schema > playbook.schema.json; kbrun schema tasks > tasks.schema.json' });
  return root;
}

/** `--sim` takes an optional URL, which parseArgs can't express: it is read here, before the other options. */
function extractSim(argv: readonly string[]): { rest: string[]; sim: { url: string | undefined } | undefined } {
  const rest = [...argv];
  const index = rest.indexOf('--sim');
  if (index < 0) return { rest, sim: undefined };
  const next = rest[index + 1];
  const url = next !== undefined && /^https?:\/\//.test(next) ? next : undefined;
  rest.splice(index, url ? 2 : 1);
  return { rest, sim: { url } };
}

/** `-t a,b -t c` → ['a', 'b', 'c']. */
function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** Whether the console uses colours: the `color` setting (NO_COLOR already folded in), then FORCE_COLOR as Node reads it, then the terminal. */
export function useColor(setting: 'auto' | 'always' | 'never', env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (setting !== 'auto') return setting === 'always';
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return isTTY;
}
