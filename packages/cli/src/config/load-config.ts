import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { didYouMean, KbrunError, KbrunErrors, loadYamlFile, locationOf, valueLocationOf, type SourceLocation } from '@kbrun/core';
import { checkSettingValue, parseSettingText, problemMessage, resolveSettingPaths } from './setting-values.js';
import { DEFAULT_CONFIG, SETTING_KEYS, SETTINGS, type KbrunConfig, type SettingKey, type SettingSpec } from './settings.js';

/** The name of kbrun's settings file, looked for in the current directory and its parents. */
export const CONFIG_FILE_NAME = 'kbrun.config.yaml';

/** Environment variable naming the settings file (as `--config` does; the flag wins). */
export const CONFIG_FILE_ENV = 'KBRUN_CONFIG';

/** Where a setting's value came from. */
export interface ConfigSource {
  kind: 'default' | 'file' | 'env' | 'flag';
  /** `file:line:col` of the value, the environment variable's name, or the flag. */
  detail?: string;
}

/** kbrun's settings after file, environment and flags, with where each value came from. */
export interface EffectiveConfig {
  values: KbrunConfig;
  sources: { [K in keyof KbrunConfig]: ConfigSource };
  /** The settings file that was read (absolute), if any. */
  file: string | undefined;
}

/** What `loadConfig` reads. */
export interface LoadConfigOptions {
  /** Directory the search for kbrun.config.yaml starts in, and that relative paths from env and flags resolve against. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `--config FILE`: this file instead of the search; it must exist. */
  explicitFile?: string | undefined;
  /** Only the settings the user passed on the command line. */
  flags: Partial<KbrunConfig>;
}

/** Finds and loads kbrun.config.yaml, applies env and flags. `flags` holds only the settings the user passed on the command line. */
export async function loadConfig(options: LoadConfigOptions): Promise<EffectiveConfig> {
  const { cwd, env } = options;
  const explicit = options.explicitFile ?? (env[CONFIG_FILE_ENV] || undefined);
  const file = explicit === undefined ? await findConfigFile(cwd) : await requireFile(resolve(cwd, explicit), options.explicitFile === undefined ? CONFIG_FILE_ENV : '--config');
  const values: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  const errors: KbrunError[] = [];
  const set = (key: SettingKey, value: unknown, source: ConfigSource, base: string) => {
    values[key] = resolveSettingPaths(key, value, base, env);
    sources[key] = source;
  };

  const defaultsBase = file === undefined ? cwd : dirname(file);
  for (const key of SETTING_KEYS) set(key, DEFAULT_CONFIG[key], { kind: 'default' }, defaultsBase);

  if (file !== undefined) {
    const shown = displayPath(file, cwd);
    for (const [key, value, location] of await readConfigFile(file, errors)) {
      set(key, value, { kind: 'file', detail: `${shown}:${location.line}:${location.col}` }, dirname(file));
    }
  }

  for (const key of SETTING_KEYS) {
    const spec: SettingSpec = SETTINGS[key];
    const text = env[spec.env];
    if (text !== undefined) {
      const value = parseSettingText(text, spec.schema);
      const problem = checkSettingValue(key, value);
      if (problem) errors.push(new KbrunError('E_CONFIG', problemMessage(`environment variable ${spec.env}`, problem), { hint: envHint(key) }));
      else set(key, value, { kind: 'env', detail: spec.env }, cwd);
      continue;
    }
    for (const [variable, preset] of Object.entries(spec.envPresets ?? {})) {
      if (env[variable]) {
        set(key, preset, { kind: 'env', detail: variable }, cwd);
        break;
      }
    }
  }

  for (const key of SETTING_KEYS) {
    const value = options.flags[key];
    if (value === undefined) continue;
    const flag = flagName(key);
    const problem = checkSettingValue(key, value);
    if (problem) errors.push(new KbrunError('E_CLI_OPTION', problemMessage(flag, problem), { hint: 'run kbrun --help for the options' }));
    else set(key, value, { kind: 'flag', detail: flag }, cwd);
  }

  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new KbrunErrors(errors);
  return { values: values as KbrunConfig, sources: sources as EffectiveConfig['sources'], file };
}

/** The first kbrun.config.yaml in `start` or one of its parents, up to the filesystem root; undefined when there is none. */
export async function findConfigFile(start: string): Promise<string | undefined> {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (await isFile(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The settings in a config file, each with the location of its value; problems go to `errors`. */
async function readConfigFile(file: string, errors: KbrunError[]): Promise<Array<[SettingKey, unknown, SourceLocation]>> {
  const documents = await loadYamlFile(file);
  const start: SourceLocation = { file, line: 1, col: 1 };
  if (documents.length > 1) {
    errors.push(new KbrunError('E_CONFIG', `${CONFIG_FILE_NAME} must hold one YAML document, found ${documents.length}`, { location: locationOf(documents[1]) ?? start, hint: 'remove the extra `---`' }));
    return [];
  }
  const root = documents[0];
  if (root === undefined || root === null) return [];
  if (typeof root !== 'object' || Array.isArray(root)) {
    errors.push(new KbrunError('E_CONFIG', `${CONFIG_FILE_NAME} must be a mapping of settings (forks: 20, inventory: [hosts.yml], …)`, { location: locationOf(root) ?? start }));
    return [];
  }
  const found: Array<[SettingKey, unknown, SourceLocation]> = [];
  for (const [key, value] of Object.entries(root)) {
    if (!isSettingKey(key)) {
      errors.push(
        new KbrunError('E_CONFIG', `unknown setting '${key}'.${didYouMean(key, SETTING_KEYS)}`, {
          location: locationOf(root, key) ?? start,
          hint: 'run `kbrun config` to list every setting',
        }),
      );
      continue;
    }
    const location = valueLocationOf(root, key) ?? start;
    const problem = checkSettingValue(key, value);
    if (problem) {
      const at = problem.index === undefined ? location : (valueLocationOf(value, problem.index) ?? location);
      errors.push(new KbrunError('E_CONFIG', problemMessage(key, problem), { location: at }));
      continue;
    }
    found.push([key, value, location]);
  }
  return found;
}

function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** The flag that sets a setting (`--forks`), for messages and sources. */
function flagName(key: SettingKey): string {
  const flag = (SETTINGS[key] as SettingSpec).flag;
  return flag ? `--${flag.name}` : `--${key.replaceAll('_', '-')}`;
}

function envHint(key: SettingKey): string {
  const spec: SettingSpec = SETTINGS[key];
  const types = spec.schema.type;
  if (types === 'array') return `${spec.env} is a comma-separated list; unset it to use the configured value`;
  return `unset ${spec.env} to use the configured value`;
}

async function requireFile(path: string, via: string): Promise<string> {
  if (await isFile(path)) return path;
  throw new KbrunError('E_CONFIG', `${via}: no such settings file: ${path}`, { hint: `give the path of a ${CONFIG_FILE_NAME}, or leave ${via} out to search the current directory and its parents` });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A path as the user would write it from `cwd`: relative when that is shorter. */
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !isAbsolute(rel) && rel.length < file.length ? rel : file;
}
