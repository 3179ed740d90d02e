import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { CONFIG_FLAG_OPTIONS, DEFAULT_CONFIG, SETTING_KEYS, SETTINGS, type SettingSpec } from '../../src/config/index.js';

const ajv = new AjvModule.default({ strict: true, allowUnionTypes: true });
const table = SETTINGS as Record<string, SettingSpec>;

describe('the settings table', () => {
  it('names every environment variable KBRUN_<KEY>', () => {
    for (const key of SETTING_KEYS) expect(table[key]!.env).toBe(`KBRUN_${key.toUpperCase()}`);
  });

  it('has snake_case keys and a description for each', () => {
    for (const key of SETTING_KEYS) {
      expect(key).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
      expect(table[key]!.description.length).toBeGreaterThan(10);
    }
  });

  it('has defaults and presets that their own schema accepts', () => {
    for (const key of SETTING_KEYS) {
      const spec = table[key]!;
      const validate = ajv.compile(spec.schema);
      expect(validate(DEFAULT_CONFIG[key]), `${key} default`).toBe(true);
      for (const value of [...Object.values(spec.envPresets ?? {}), ...Object.values(spec.flag?.presets ?? {})]) expect(validate(value), `${key} preset`).toBe(true);
    }
  });

  it('gives each flag and short alias once, clear of the CLI\'s own flags', () => {
    const own = ['limit', 'extra-vars', 'check', 'diff', 'verbose', 'syntax-check', 'tags', 'skip-tags', 'start-at-task', 'force-handlers', 'list-hosts', 'list-tasks', 'list-tags', 'help', 'version'];
    const names = Object.keys(CONFIG_FLAG_OPTIONS);
    expect(new Set(names).size).toBe(names.length);
    for (const name of own) expect(names).not.toContain(name);
    const shorts = Object.values(CONFIG_FLAG_OPTIONS as Record<string, { short?: string }>).flatMap((o) => (o.short ? [o.short] : []));
    expect(new Set(shorts).size).toBe(shorts.length);
    for (const short of ['l', 'e', 'C', 'D', 'v', 't', 'h']) expect(shorts).not.toContain(short);
  });

  it('has the fleet\'s bastions protected and the usual secret patterns by default', () => {
    expect(DEFAULT_CONFIG.protected_hosts).toEqual(['install-01', 'install-v3']);
    expect(DEFAULT_CONFIG.secret_patterns).toEqual(expect.arrayContaining(['*_token', '*_password', '*_secret', '*_key']));
  });
});
