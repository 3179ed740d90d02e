import { KbrunError } from '@kbrun/core';
import { checkSettingValue, parseSettingText, problemMessage } from './setting-values.js';
import { DEFAULT_CONFIG, SETTING_KEYS, SETTINGS, type KbrunConfig, type SettingKey, type Settings, type SettingSpec } from './settings.js';

type FlagOf<K extends SettingKey> = Settings[K]['flag'];

/** The parseArgs option of one setting's flag: a string (repeatable or not) or a boolean switch. */
type FlagOption<F> = F extends { readonly arg: string }
  ? F extends { readonly repeatable: true }
    ? { type: 'string'; multiple: true; short?: string }
    : { type: 'string'; short?: string }
  : { type: 'boolean'; short?: string };

/** The names of the preset switches (`no-color`, …). */
type PresetName = { [K in SettingKey]: FlagOf<K> extends { readonly presets: infer P } ? keyof P & string : never }[SettingKey];

/** The `node:util` parseArgs options for every settings flag, typed precisely so parsed values keep their types. */
export type ConfigFlagOptions = {
  [K in SettingKey as FlagOf<K> extends { readonly name: infer N extends string } ? N : never]: FlagOption<FlagOf<K>>;
} & { [P in PresetName]: { type: 'boolean' } } & { config: { type: 'string' } };

/** What `--config` is called in parseArgs (the settings file; not a setting itself). */
export const CONFIG_FILE_FLAG = 'config';

/** parseArgs options for `--config` and every settings flag (`--forks`, `-i`, `--no-color`, …); spread them into the CLI's options. */
export const CONFIG_FLAG_OPTIONS: ConfigFlagOptions = buildFlagOptions();

function buildFlagOptions(): ConfigFlagOptions {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: true }> = { [CONFIG_FILE_FLAG]: { type: 'string' } };
  for (const key of SETTING_KEYS) {
    const flag = (SETTINGS[key] as SettingSpec).flag;
    if (!flag) continue;
    options[flag.name] = {
      type: flag.arg === undefined ? 'boolean' : 'string',
      ...(flag.short === undefined ? {} : { short: flag.short }),
      ...(flag.repeatable ? { multiple: true as const } : {}),
    };
    for (const preset of Object.keys(flag.presets ?? {})) options[preset] = { type: 'boolean' };
  }
  return options as ConfigFlagOptions;
}

/** The settings given on the command line, and the `--config` file. */
export interface ConfigFlags {
  flags: Partial<KbrunConfig>;
  explicitFile: string | undefined;
}

/**
 * Turns parseArgs `values` into typed settings: each flag's text is read like its environment variable (except that a
 * repeatable flag gives one item per occurrence). Throws E_CLI_OPTION naming the flag for a value that does not fit.
 */
export function parseConfigFlags(values: Readonly<Record<string, unknown>>): ConfigFlags {
  const flags: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const spec: SettingSpec = SETTINGS[key];
    const flag = spec.flag;
    if (!flag) continue;
    const raw = values[flag.name];
    let value: unknown;
    if (raw !== undefined) {
      if (flag.arg === undefined) value = raw === true;
      else if (flag.repeatable) value = (raw as string[]).map((item) => parseSettingText(item, spec.schema.items ?? {}));
      else value = parseSettingText(raw as string, spec.schema);
      const problem = checkSettingValue(key, value);
      if (problem) throw new KbrunError('E_CLI_OPTION', problemMessage(`--${flag.name}`, problem), { hint: 'run kbrun --help for the options' });
    }
    for (const [preset, presetValue] of Object.entries(flag.presets ?? {})) {
      if (values[preset] !== true) continue;
      if (value !== undefined && value !== presetValue) throw new KbrunError('E_CLI_OPTION', `--${preset} contradicts --${flag.name}`, { hint: 'give one of them' });
      value = presetValue;
    }
    if (value !== undefined) flags[key] = value;
  }
  const file = values[CONFIG_FILE_FLAG];
  return { flags: flags as Partial<KbrunConfig>, explicitFile: typeof file === 'string' ? file : undefined };
}

/**
 * The `--help` lines of `--config` and the settings flags: a two-space indent, the flag column `width` wide (default:
 * the widest flag plus two spaces, at least 25 as in kbrun's USAGE), then the description.
 */
export function configFlagUsage(width?: number): string {
  const rows: Array<[string, string]> = [
    ['    --config FILE', 'settings file (default: the nearest kbrun.config.yaml, here or above); KBRUN_* variables override it, flags both'],
  ];
  for (const key of SETTING_KEYS) {
    const spec: SettingSpec = SETTINGS[key];
    const flag = spec.flag;
    if (!flag) continue;
    const left = `${flag.short ? `-${flag.short}, ` : '    '}--${flag.name}${flag.arg ? ` ${flag.arg}` : ''}`;
    const fallback = DEFAULT_CONFIG[key];
    const shown = fallback === null || (Array.isArray(fallback) && fallback.length === 0) ? '' : ` (default ${String(fallback)})`;
    rows.push([left, `${spec.description}${shown}${flag.repeatable ? '; repeatable' : ''}`]);
    for (const [preset, presetValue] of Object.entries(flag.presets ?? {})) {
      rows.push([`    --${preset}`, flag.arg === undefined ? `the opposite of --${flag.name}` : `same as --${flag.name} ${String(presetValue)}`]);
    }
  }
  const column = width ?? Math.max(25, ...rows.map(([left]) => left.length + 2));
  return rows.map(([left, text]) => `  ${left.padEnd(column - 1)} ${text}`).join('\n');
}
