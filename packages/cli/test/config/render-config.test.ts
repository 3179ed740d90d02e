import { join } from 'node:path';
import { REDACTED } from '@kbrun/core';
import { describe, expect, it } from 'vitest';
import { loadConfig, renderConfig, SETTING_KEYS } from '../../src/config/index.js';
import { makeTree } from './helpers.js';

describe('renderConfig', () => {
  it('prints one setting per line with its source: default, file:line:col, env, flag', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'output: json\ninventory: [hosts.yml, "a,b,"]\n' });
    const config = await loadConfig({ cwd, env: { KBRUN_MAX_SESSIONS: '4', NO_COLOR: '1' }, flags: { forks: 5 } });
    const text = renderConfig(config);
    const lines = text.trimEnd().split('\n');
    expect(text.endsWith('\n')).toBe(true);
    expect(lines[0]).toBe(`# settings file: ${join(cwd, 'kbrun.config.yaml')}`);
    expect(lines).toHaveLength(SETTING_KEYS.length + 1);
    const line = (key: string) => lines.find((l) => l.startsWith(`${key} = `));
    expect(line('forks')).toMatch(/^forks = 5 +# flag --forks$/);
    expect(line('output')).toMatch(/^output = "json" +# kbrun\.config\.yaml:1:9$/);
    expect(line('inventory')).toBe(`inventory = ["${join(cwd, 'hosts.yml')}", "a,b,"]    # kbrun.config.yaml:2:12`);
    expect(line('max_sessions')).toMatch(/^max_sessions = 4 +# env KBRUN_MAX_SESSIONS$/);
    expect(line('color')).toMatch(/^color = "never" +# env NO_COLOR$/);
    expect(line('log_file')).toMatch(/^log_file = null +# default$/);
    expect(line('retry_files')).toMatch(/^retry_files = true +# default$/);
    // the # column is aligned for the short lines
    expect(line('forks')!.indexOf('#')).toBe(line('log_file')!.indexOf('#'));
  });

  it('says when no file was found', async () => {
    const config = await loadConfig({ cwd: await makeTree(), env: {}, flags: {} });
    expect(renderConfig(config).split('\n')[0]).toBe('# no kbrun.config.yaml found: defaults, environment and flags');
  });

  it('prints JSON {key: {value, source}} with json: true', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'forks: 7\n' });
    const config = await loadConfig({ cwd, env: { KBRUN_OUTPUT: 'json' }, flags: { retry_files: false } });
    const json = JSON.parse(renderConfig(config, { json: true }));
    expect(Object.keys(json)).toEqual(SETTING_KEYS);
    expect(json.forks).toEqual({ value: 7, source: { kind: 'file', detail: 'kbrun.config.yaml:1:8' } });
    expect(json.output).toEqual({ value: 'json', source: { kind: 'env', detail: 'KBRUN_OUTPUT' } });
    expect(json.retry_files).toEqual({ value: false, source: { kind: 'flag', detail: '--retry-files' } });
    expect(json.protected_hosts).toEqual({ value: ['install-01', 'install-v3'], source: { kind: 'default' } });
    expect(json.log_dir).toEqual({ value: null, source: { kind: 'default' } });
  });

  it('redacts the value of a setting whose name matches secret_patterns', async () => {
    const config = await loadConfig({ cwd: await makeTree(), env: { KBRUN_SECRET_PATTERNS: 'log_*' }, flags: { log_file: '/var/log/kbrun.log' } });
    expect(renderConfig(config)).toMatch(new RegExp(`^log_file = "${REDACTED.replace(/\*/g, '\\*')}" +# flag --log-file$`, 'm'));
    expect(renderConfig(config)).not.toContain('/var/log/kbrun.log');
    expect(JSON.parse(renderConfig(config, { json: true })).log_file.value).toBe(REDACTED);
    // null says nothing secret
    expect(renderConfig(config)).toMatch(/^log_dir = null /m);
  });
});
