import { DEFAULT_SECRET_PATTERNS } from '@kbrun/core';
import { BASTION_HOSTNAMES } from '@kbrun/fleet-data';

/** A JSON type name, as used by the `type` keyword of a JSON Schema. */
export type JsonTypeName = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array';

/** The subset of JSON Schema the settings use: enough for ajv, the `expected …` messages and the TypeScript type. */
export interface SettingSchema {
  readonly type?: JsonTypeName | readonly JsonTypeName[];
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly items?: SettingSchema;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
}

/** How a setting is given on the command line. */
export interface FlagSpec {
  /** Long name without the dashes: `forks` for `--forks`. */
  readonly name: string;
  /** One-letter alias: `f` for `-f`. */
  readonly short?: string;
  /** Placeholder of the flag's argument in `--help` (`N`, `FILE`); a flag without one is a boolean switch that sets `true`. */
  readonly arg?: string;
  /** The flag may be given several times; each occurrence is one list item (no comma splitting: `-i a,b,` is a host list). */
  readonly repeatable?: true;
  /** Extra switches that set a fixed value: `{ 'no-color': 'never' }` makes `--no-color` mean `--color never`. */
  readonly presets?: Readonly<Record<string, unknown>>;
}

/** One row of the settings table. */
export interface SettingSpec {
  /** JSON Schema of the value: validates the file, env and flags, and gives the TypeScript type. */
  readonly schema: SettingSchema;
  /** Value when nothing sets it. Relative paths resolve against the config file's directory (the cwd without a file). */
  readonly default: unknown;
  /** Environment variable that overrides the file. */
  readonly env: `KBRUN_${string}`;
  /** Other environment variables that set a fixed value when the setting's own variable is unset (`NO_COLOR`). */
  readonly envPresets?: Readonly<Record<string, unknown>>;
  /** The command-line flag, or null for a setting only the file and the environment set. Required, so a new setting decides. */
  readonly flag: FlagSpec | null;
  /** The value is a path (or a list of paths) to resolve: `inventory-source` leaves host lists (`a,b,`) alone. */
  readonly path?: 'file' | 'inventory-source';
  /** One line for `--help`, `kbrun config` and the docs. */
  readonly description: string;
}

const nonEmpty = { type: 'string', minLength: 1 } as const;
const pathOrNull = { type: ['string', 'null'], minLength: 1 } as const;
const list = { type: 'array', items: nonEmpty } as const;

/**
 * Every kbrun setting, in `kbrun config` order: the single source for the config file's validation, the environment
 * variables, the command-line flags, `--help` and the `KbrunConfig` type.
 */
export const SETTINGS = {
  forks: {
    schema: { type: 'integer', minimum: 1 },
    default: 50,
    env: 'KBRUN_FORKS',
    flag: { name: 'forks', short: 'f', arg: 'N' },
    description: 'hosts a task runs on at the same time',
  },
  inventory: {
    schema: list,
    default: [],
    env: 'KBRUN_INVENTORY',
    flag: { name: 'inventory', short: 'i', arg: 'SOURCE', repeatable: true },
    path: 'inventory-source',
    description: 'inventory files, directories or host lists (a,b,)',
  },
  roles_path: {
    schema: list,
    default: ['roles'],
    env: 'KBRUN_ROLES_PATH',
    flag: null,
    path: 'file',
    description: 'directories searched for roles, after roles/ beside the playbook',
  },
  module_packs: {
    schema: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } },
    default: ['builtin', 'system', 'postgresql', 'redis', 'ssh', 'hcloud'],
    env: 'KBRUN_MODULE_PACKS',
    flag: null,
    description: 'module packs to register, by name',
  },
  log_file: {
    schema: pathOrNull,
    default: null,
    env: 'KBRUN_LOG_FILE',
    flag: { name: 'log-file', arg: 'FILE' },
    path: 'file',
    description: 'append a log of every run to this file',
  },
  log_dir: {
    schema: pathOrNull,
    default: null,
    env: 'KBRUN_LOG_DIR',
    flag: { name: 'log-dir', arg: 'DIR' },
    path: 'file',
    description: 'write one log file per play batch into this directory',
  },
  protected_hosts: {
    schema: list,
    default: [...BASTION_HOSTNAMES],
    env: 'KBRUN_PROTECTED_HOSTS',
    flag: null,
    description: 'hosts destructive actions (rebuild, delete, detach, format, poweroff) never touch; the bastions by default',
  },
  secret_patterns: {
    schema: list,
    default: DEFAULT_SECRET_PATTERNS,
    env: 'KBRUN_SECRET_PATTERNS',
    flag: null,
    description: 'variable-name globs (*) whose values are redacted in every output',
  },
  vault_password_file: {
    schema: pathOrNull,
    default: null,
    env: 'KBRUN_VAULT_PASSWORD_FILE',
    flag: { name: 'vault-password-file', arg: 'FILE' },
    path: 'file',
    description: 'file holding the vault password (mode 600)',
  },
  retry_files: {
    schema: { type: 'boolean' },
    default: true,
    env: 'KBRUN_RETRY_FILES',
    flag: { name: 'retry-files', presets: { 'no-retry-files': false } },
    description: 'after a failed run, write a .retry file listing the failed hosts',
  },
  retry_files_dir: {
    schema: pathOrNull,
    default: null,
    env: 'KBRUN_RETRY_FILES_DIR',
    flag: null,
    path: 'file',
    description: 'directory for .retry files; beside the playbook when null',
  },
  output: {
    schema: { enum: ['text', 'json'] },
    default: 'text',
    env: 'KBRUN_OUTPUT',
    flag: { name: 'output', arg: 'text|json' },
    description: 'console output (text), or one JSON event per line (json)',
  },
  color: {
    schema: { enum: ['auto', 'always', 'never'] },
    default: 'auto',
    env: 'KBRUN_COLOR',
    envPresets: { NO_COLOR: 'never' },
    flag: { name: 'color', arg: 'WHEN', presets: { 'no-color': 'never' } },
    description: 'colours: auto (on a terminal), always or never; NO_COLOR in the environment means never',
  },
  host_key_checking: {
    schema: { enum: [true, false, 'accept-new'] },
    default: true,
    env: 'KBRUN_HOST_KEY_CHECKING',
    flag: null,
    description: 'SSH host keys: true (known_hosts only), false, or accept-new (trust unknown hosts, refuse changed keys)',
  },
  connect_timeout: {
    schema: { type: 'number', exclusiveMinimum: 0 },
    default: 10,
    env: 'KBRUN_CONNECT_TIMEOUT',
    flag: { name: 'connect-timeout', short: 'T', arg: 'SECONDS' },
    description: 'seconds to wait for a connection',
  },
  task_timeout: {
    schema: { type: ['number', 'null'], exclusiveMinimum: 0 },
    default: null,
    env: 'KBRUN_TASK_TIMEOUT',
    flag: { name: 'task-timeout', arg: 'SECONDS' },
    description: "seconds any task may run when it sets no `timeout` keyword (Ansible's task_timeout); no limit when null",
  },
  max_sessions: {
    schema: { type: 'integer', minimum: 1 },
    default: 10,
    env: 'KBRUN_MAX_SESSIONS',
    flag: null,
    description: 'SSH sessions open at once on one connection',
  },
  var_dir: {
    schema: nonEmpty,
    default: 'var',
    env: 'KBRUN_VAR_DIR',
    flag: null,
    path: 'file',
    description: 'base directory for logs and reports (relative to the config file); playbooks see it as kbrun_var_dir',
  },
  sim_time_scale: {
    schema: { type: ['number', 'null'], exclusiveMinimum: 0 },
    default: null,
    env: 'KBRUN_SIM_TIME_SCALE',
    flag: null,
    description: 'simulator clock factor (0.01: a 60 s action takes 0.6 s); real time when null',
  },
} as const satisfies Record<string, SettingSpec>;

/** The settings table's type. */
export type Settings = typeof SETTINGS;

/** A setting's name, as written in kbrun.config.yaml. */
export type SettingKey = keyof Settings;

/** Every setting's name, in table order. */
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The TypeScript type of the values a JSON Schema (of the SettingSchema subset) accepts. */
export type FromSchema<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly type: infer T }
    ? ValueOfType<T extends readonly (infer U)[] ? U : T, S>
    : unknown;

type ValueOfType<T, S> = T extends 'array'
  ? readonly FromSchema<S extends { readonly items: infer I } ? I : unknown>[]
  : T extends 'string'
    ? string
    : T extends 'integer' | 'number'
      ? number
      : T extends 'boolean'
        ? boolean
        : T extends 'null'
          ? null
          : never;

/** kbrun's effective settings: one property per row of SETTINGS, typed from its schema. */
export type KbrunConfig = { -readonly [K in SettingKey]: FromSchema<Settings[K]['schema']> };

function defaultsOf<T extends Record<string, { readonly default: unknown }>>(table: T): { [K in keyof T]: T[K]['default'] } {
  return Object.fromEntries(Object.entries(table).map(([key, spec]) => [key, spec.default])) as { [K in keyof T]: T[K]['default'] };
}

/** Every setting's default. Typed as KbrunConfig, so a default that its own schema refuses does not compile. */
export const DEFAULT_CONFIG: Readonly<KbrunConfig> = defaultsOf(SETTINGS);
