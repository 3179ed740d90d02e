import { LOOKUPS, UNSUPPORTED_LOOKUPS } from '../lookups/lookup-table.js';

/** Where a keyword may appear. */
export type KeywordScope = 'play' | 'task';

/**
 * kbrun's support for an Ansible keyword: `supported`; `planned` (refused with a clear error until it lands);
 * `unsupported` (not part of kbrun's design; refused with the reason).
 */
export type KeywordStatus = 'supported' | 'planned' | 'unsupported';

/** One play or task keyword: the single table used by the validator, the docs and `kbrun schema`. */
export interface KeywordSpec {
  name: string;
  scopes: readonly KeywordScope[];
  /** JSON Schema of the keyword's value. */
  schema: Record<string, unknown>;
  description: string;
  status: KeywordStatus;
  /** Default value, when there is one worth telling. */
  default?: unknown;
  /** For `unsupported`: why, and what to do instead. */
  reason?: string;
}

const str = { type: 'string' };
const templatedBool = { type: ['boolean', 'string'] };
const condition = { anyOf: [{ type: ['string', 'boolean', 'number', 'null'] }, { type: 'array', items: { type: ['string', 'boolean', 'number'] } }] };
const stringMap = { type: 'object' };
const stringList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
const intOrTemplate = { type: ['integer', 'string'] };

const both: KeywordScope[] = ['play', 'task'];
const task: KeywordScope[] = ['task'];
const play: KeywordScope[] = ['play'];

/** The play and task keywords other than the `with_<lookup>` loops. */
const BASE_KEYWORDS: readonly KeywordSpec[] = [
  { name: 'name', scopes: both, schema: str, status: 'supported', description: 'A name shown in the output (TASK [...] / PLAY [...]).' },
  { name: 'hosts', scopes: play, schema: stringList, status: 'supported', description: 'Host pattern the play runs on (host, group, glob, a:b, a:&b, a:!b).' },
  { name: 'vars', scopes: both, schema: stringMap, status: 'supported', description: 'Variables for this play or task (templated lazily).' },
  { name: 'vars_files', scopes: play, schema: { type: 'array', items: { type: 'string' } }, status: 'supported', description: 'YAML files of variables loaded for the play (paths relative to the playbook).' },
  { name: 'tasks', scopes: play, schema: { type: ['array', 'null'] }, status: 'supported', description: 'The play\'s tasks.' },
  { name: 'pre_tasks', scopes: play, schema: { type: ['array', 'null'] }, status: 'supported', description: 'Tasks run before `tasks`.' },
  { name: 'post_tasks', scopes: play, schema: { type: ['array', 'null'] }, status: 'supported', description: 'Tasks run after `tasks`.' },
  { name: 'strategy', scopes: play, schema: { enum: ['linear', 'free'] }, status: 'supported', default: 'linear', description: '`linear`: every host finishes task N before task N+1 starts; `free`: each host runs through the play at its own pace.' },
  { name: 'gather_facts', scopes: play, schema: templatedBool, status: 'supported', default: true, description: 'Gather facts (the `setup` module: one command per host) before the first task; cached for the run.' },
  { name: 'connection', scopes: both, schema: { enum: ['local', 'ssh'] }, status: 'supported', description: 'Connection type for the hosts (overrides `ansible_connection`).' },
  { name: 'environment', scopes: both, schema: stringMap, status: 'supported', description: 'Environment variables for commands run by the task(s).' },
  { name: 'check_mode', scopes: both, schema: templatedBool, status: 'supported', description: '`true`: always run in check mode; `false`: run for real even under --check.' },
  { name: 'diff', scopes: both, schema: templatedBool, status: 'supported', description: 'Show diffs for this task/play (like --diff).' },
  { name: 'no_log', scopes: both, schema: templatedBool, status: 'supported', description: 'Hide this task\'s arguments and results in every output.' },
  { name: 'ignore_errors', scopes: both, schema: templatedBool, status: 'supported', description: 'A failure is reported and counted as `ignored`; the host goes on.' },
  { name: 'ignore_unreachable', scopes: both, schema: templatedBool, status: 'supported', description: 'An unreachable result does not remove the host from the play.' },
  { name: 'when', scopes: task, schema: condition, status: 'supported', description: 'Condition (expression, or list of expressions meaning AND); evaluated per loop item.' },
  { name: 'loop', scopes: task, schema: { type: ['array', 'string', 'object'] }, status: 'supported', description: 'Run the task once per item (`item`).' },
  { name: 'loop_control', scopes: task, schema: { type: 'object', properties: { loop_var: str, index_var: str, label: { type: ['string', 'number'] }, pause: { type: ['number', 'string'] }, extended: templatedBool }, additionalProperties: false }, status: 'supported', description: '`loop_var`, `index_var`, `label`, `pause` (seconds between items), `extended`.' },
  { name: 'register', scopes: task, schema: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, status: 'supported', description: 'Store the task\'s result in this host variable.' },
  { name: 'until', scopes: task, schema: condition, status: 'supported', description: 'Retry the task until this condition holds (see `retries`, `delay`).' },
  { name: 'retries', scopes: task, schema: intOrTemplate, status: 'supported', default: 3, description: 'Retries with `until` (attempts = retries + 1).' },
  { name: 'delay', scopes: task, schema: { type: ['number', 'string'] }, status: 'supported', default: 5, description: 'Seconds between `until` attempts.' },
  { name: 'failed_when', scopes: task, schema: condition, status: 'supported', description: 'Condition deciding failure instead of the module\'s own verdict.' },
  { name: 'changed_when', scopes: task, schema: condition, status: 'supported', description: 'Condition deciding `changed` instead of the module\'s own verdict.' },
  { name: 'throttle', scopes: both, schema: intOrTemplate, status: 'supported', description: 'At most this many hosts run the task at once, whatever --forks.' },
  { name: 'args', scopes: task, schema: stringMap, status: 'supported', description: 'Module arguments given apart from the module key (merged under the module\'s own).' },
  { name: 'tags', scopes: both, schema: stringList, status: 'supported', description: 'Tags for --tags/--skip-tags.' },
  { name: 'block', scopes: task, schema: { type: 'array' }, status: 'supported', description: 'A group of tasks with `rescue` and `always`.' },
  { name: 'rescue', scopes: task, schema: { type: 'array' }, status: 'supported', description: 'Tasks run when a task of the block failed.' },
  { name: 'always', scopes: task, schema: { type: 'array' }, status: 'supported', description: 'Tasks run after the block whatever happened.' },
  { name: 'notify', scopes: task, schema: stringList, status: 'supported', description: 'Handlers to run at the end of the play when the task changed something.' },
  { name: 'handlers', scopes: play, schema: { type: 'array' }, status: 'supported', description: 'Tasks run only when notified.' },
  { name: 'listen', scopes: task, schema: stringList, status: 'supported', description: 'Topics a handler answers to.' },
  { name: 'roles', scopes: play, schema: { type: 'array' }, status: 'supported', description: 'Roles applied by the play.' },
  { name: 'serial', scopes: play, schema: { type: ['integer', 'string', 'array'] }, status: 'supported', description: 'Run the play in batches of hosts.' },
  { name: 'max_fail_percentage', scopes: play, schema: { type: 'number' }, status: 'supported', description: 'Abort when this share of a batch failed.' },
  { name: 'any_errors_fatal', scopes: both, schema: templatedBool, status: 'supported', description: 'Any failure stops every host.' },
  { name: 'run_once', scopes: task, schema: templatedBool, status: 'supported', description: 'Run on the first host only.' },
  { name: 'delegate_to', scopes: task, schema: str, status: 'supported', description: 'Run the task on another host with this host\'s variables.' },
  { name: 'delegate_facts', scopes: task, schema: templatedBool, status: 'supported', description: 'Store facts on the delegated host.' },
  { name: 'local_action', scopes: task, schema: { type: ['string', 'object'] }, status: 'supported', description: 'Shorthand for delegate_to: localhost.' },
  { name: 'become', scopes: both, schema: templatedBool, status: 'supported', description: 'Run as another user (sudo).' },
  { name: 'become_user', scopes: both, schema: str, status: 'supported', description: 'User to become.' },
  { name: 'become_method', scopes: both, schema: str, status: 'supported', description: 'How to become (sudo).' },
  { name: 'import_tasks', scopes: task, schema: str, status: 'supported', description: 'Tasks from another file, at load time.' },
  { name: 'include_tasks', scopes: task, schema: { type: ['string', 'object'] }, status: 'supported', description: 'Tasks from another file, at run time.' },
  { name: 'import_role', scopes: task, schema: stringMap, status: 'supported', description: 'A role\'s tasks, at load time.' },
  { name: 'include_role', scopes: task, schema: stringMap, status: 'supported', description: 'A role\'s tasks, at run time.' },
  { name: 'import_playbook', scopes: play, schema: str, status: 'supported', description: 'Plays from another playbook.' },
  { name: 'timeout', scopes: both, schema: intOrTemplate, status: 'supported', description: 'Fail the task when it runs longer than this many seconds; the message quotes what the module last reported (e.g. the action it waited for and its progress).' },
  { name: 'action', scopes: task, schema: { type: ['string', 'object'] }, status: 'supported', description: 'Module given by name (`action: copy src=…`).' },
  { name: 'remote_user', scopes: both, schema: str, status: 'planned', description: 'User to log in as (ansible_user).' },
  { name: 'port', scopes: both, schema: intOrTemplate, status: 'planned', description: 'SSH port (ansible_port).' },
  { name: 'gather_subset', scopes: play, schema: stringList, status: 'supported', description: 'Which facts to gather.' },
  { name: 'gather_timeout', scopes: play, schema: intOrTemplate, status: 'supported', description: 'Timeout of fact gathering.' },
  { name: 'force_handlers', scopes: play, schema: templatedBool, status: 'supported', description: 'Run notified handlers even when the play failed.' },
  { name: 'become_exe', scopes: both, schema: str, status: 'planned', description: 'Path of the become program.' },
  { name: 'become_flags', scopes: both, schema: str, status: 'planned', description: 'Extra flags for the become program.' },
  { name: 'order', scopes: play, schema: { enum: ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] }, status: 'supported', description: 'Order hosts run in.' },
  { name: 'async', scopes: task, schema: intOrTemplate, status: 'unsupported', reason: 'kbrun keeps one connection per host and runs tasks concurrently already; use `timeout` and strategy `free`', description: 'Run the task in the background.' },
  { name: 'poll', scopes: task, schema: intOrTemplate, status: 'unsupported', reason: 'goes with `async`, which kbrun does not need', description: 'Polling interval of async tasks.' },
  { name: 'collections', scopes: both, schema: { type: 'array' }, status: 'unsupported', reason: 'kbrun registers module packs explicitly (kbrun.config.yaml), not Galaxy collections', description: 'Collections searched for modules.' },
  { name: 'module_defaults', scopes: both, schema: stringMap, status: 'unsupported', reason: 'set defaults with variables and templates', description: 'Default module arguments.' },
  { name: 'debugger', scopes: both, schema: str, status: 'unsupported', reason: 'no interactive task debugger; use -vvv and --output json', description: 'Interactive debugger on failure.' },
  { name: 'vars_prompt', scopes: play, schema: { type: 'array' }, status: 'unsupported', reason: 'kbrun runs non-interactively; pass values with -e or a vault-encrypted vars file', description: 'Ask for variables at start.' },
  { name: 'fact_path', scopes: play, schema: str, status: 'unsupported', reason: 'no local facts directory', description: 'Path of local facts.' },
  { name: 'accelerate', scopes: play, schema: templatedBool, status: 'unsupported', reason: 'removed from Ansible long ago', description: 'Accelerated mode (obsolete).' },
  { name: 'accelerate_ipv6', scopes: play, schema: templatedBool, status: 'unsupported', reason: 'removed from Ansible long ago', description: 'Accelerated mode (obsolete).' },
  { name: 'accelerate_port', scopes: play, schema: intOrTemplate, status: 'unsupported', reason: 'removed from Ansible long ago', description: 'Accelerated mode (obsolete).' },
];

/** `with_<lookup>`: one keyword per lookup, each running its lookup on the rendered terms for the loop's items. */
function withKeywords(): KeywordSpec[] {
  const loops: KeywordSpec[] = Object.entries(LOOKUPS).map(([name, spec]) => ({
    name: `with_${name}`,
    scopes: task,
    schema: { type: ['array', 'string', 'object', 'number', 'boolean', 'null'] },
    status: 'supported',
    description: name === 'items' ? 'Old form of `loop` (lists are flattened one level).' : `Loop over the \`${name}\` lookup's items: ${spec.description}`,
  }));
  for (const [name, reason] of Object.entries(UNSUPPORTED_LOOKUPS)) loops.push({ name: `with_${name}`, scopes: task, schema: {}, status: 'unsupported', reason, description: `Loop over the \`${name}\` lookup.` });
  return loops;
}

/** Every play and task keyword kbrun knows, with its status (the loop keywords `with_<lookup>` included). */
export const KEYWORDS: readonly KeywordSpec[] = [...BASE_KEYWORDS, ...withKeywords()];

/** Keyword specs by name for one scope. */
export function keywordsFor(scope: KeywordScope): Map<string, KeywordSpec> {
  return new Map(KEYWORDS.filter((k) => k.scopes.includes(scope)).map((k) => [k.name, k]));
}
