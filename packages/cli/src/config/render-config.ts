import { REDACTED, Redactor } from '@kbrun/core';
import type { ConfigSource, EffectiveConfig } from './load-config.js';
import { SETTING_KEYS } from './settings.js';

/** Lines wider than this are not used to align the `# source` column (a long list would push it off screen). */
const MAX_ALIGN = 40;

/**
 * `kbrun config`: the effective configuration, one setting per line: `forks = 50    # default` / `# kbrun.config.yaml:3:8` /
 * `# env KBRUN_FORKS` / `# flag --forks`; with `json: true`, JSON {key: {value, source}}. Values of settings whose names
 * match `secret_patterns` are redacted. Ends with a newline.
 */
export function renderConfig(config: EffectiveConfig, options: { json?: boolean } = {}): string {
  const redactor = new Redactor(config.values.secret_patterns);
  const shown = (key: (typeof SETTING_KEYS)[number]): unknown => {
    const value = config.values[key];
    return redactor.isSecretName(key) && value !== null && typeof value !== 'boolean' ? REDACTED : value;
  };
  if (options.json) {
    const out: Record<string, { value: unknown; source: ConfigSource }> = {};
    for (const key of SETTING_KEYS) out[key] = { value: shown(key), source: config.sources[key] };
    return `${JSON.stringify(out, null, 2)}\n`;
  }
  const rows = SETTING_KEYS.map((key) => [`${key} = ${formatValue(shown(key))}`, formatSource(config.sources[key])] as const);
  const width = Math.max(0, ...rows.map(([left]) => left.length).filter((length) => length <= MAX_ALIGN));
  const header = config.file === undefined ? '# no kbrun.config.yaml found: defaults, environment and flags' : `# settings file: ${config.file}`;
  return `${[header, ...rows.map(([left, source]) => `${left.padEnd(width)}    # ${source}`)].join('\n')}\n`;
}

/** A value as it would be written: `50`, `"text"`, `null`, `["a", "b"]`. */
function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  return JSON.stringify(value) ?? String(value);
}

function formatSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'file':
      return source.detail ?? 'file';
    case 'env':
      return `env ${source.detail ?? ''}`.trimEnd();
    case 'flag':
      return `flag ${source.detail ?? ''}`.trimEnd();
  }
}
