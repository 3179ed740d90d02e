import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KbrunError, KbrunErrors } from '@kbrun/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, findConfigFile, loadConfig, SETTING_KEYS } from '../../src/config/index.js';
import { makeTree, rejection } from './helpers.js';

describe('loadConfig: defaults', () => {
  it('gives every default, with relative default paths resolved against the cwd, when there is no file', async () => {
    const cwd = await makeTree();
    expect(await findConfigFile(cwd)).toBeUndefined();
    const config = await loadConfig({ cwd, env: {}, flags: {} });
    expect(config.file).toBeUndefined();
    expect(config.values).toEqual({ ...DEFAULT_CONFIG, roles_path: [join(cwd, 'roles')], var_dir: join(cwd, 'var') });
    expect(config.values).toMatchObject({
      forks: 50,
      inventory: [],
      module_packs: ['builtin', 'system', 'postgresql', 'redis', 'ssh', 'hcloud'],
      log_file: null,
      log_dir: null,
      protected_hosts: ['install-01', 'install-v3'],
      vault_password_file: null,
      retry_files: true,
      retry_files_dir: null,
      output: 'text',
      color: 'auto',
      host_key_checking: true,
      connect_timeout: 10,
      task_timeout: null,
      max_sessions: 10,
      sim_time_scale: null,
    });
    expect(config.values.secret_patterns).toEqual(expect.arrayContaining(['*_token', '*_password', '*_secret', '*_key']));
    for (const key of SETTING_KEYS) expect(config.sources[key]).toEqual({ kind: 'default' });
  });

  it('reads an empty file as no settings', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': '# nothing yet\n' });
    const config = await loadConfig({ cwd, env: {}, flags: {} });
    expect(config.file).toBe(join(cwd, 'kbrun.config.yaml'));
    expect(config.values.forks).toBe(50);
  });
});

describe('loadConfig: the settings file', () => {
  it('finds kbrun.config.yaml in a parent directory and resolves defaults against the file', async () => {
    const root = await makeTree({ 'kbrun.config.yaml': 'forks: 20\nlog_dir: logs\n', 'a/b/.keep': '' });
    const cwd = join(root, 'a', 'b');
    const config = await loadConfig({ cwd, env: {}, flags: {} });
    expect(config.file).toBe(join(root, 'kbrun.config.yaml'));
    expect(config.values.forks).toBe(20);
    expect(config.sources.forks).toEqual({ kind: 'file', detail: '../../kbrun.config.yaml:1:8' });
    expect(config.values.log_dir).toBe(join(root, 'logs'));
    expect(config.values.roles_path).toEqual([join(root, 'roles')]);
    expect(config.values.var_dir).toBe(join(root, 'var'));
    expect(config.sources.var_dir).toEqual({ kind: 'default' });
  });

  it('takes the nearest file when several directories have one', async () => {
    const root = await makeTree({ 'kbrun.config.yaml': 'forks: 1\n', 'sub/kbrun.config.yaml': 'forks: 2\n', 'sub/deep/.keep': '' });
    const config = await loadConfig({ cwd: join(root, 'sub', 'deep'), env: {}, flags: {} });
    expect(config.file).toBe(join(root, 'sub', 'kbrun.config.yaml'));
    expect(config.values.forks).toBe(2);
  });

  it('reads an explicit file (--config) instead of searching, and shows it relative to the cwd', async () => {
    const root = await makeTree({ 'kbrun.config.yaml': 'forks: 1\n', 'conf/other.yaml': 'max_sessions: 3\nforks: 7\n' });
    const config = await loadConfig({ cwd: root, env: {}, explicitFile: 'conf/other.yaml', flags: {} });
    expect(config.file).toBe(join(root, 'conf', 'other.yaml'));
    expect(config.values).toMatchObject({ forks: 7, max_sessions: 3 });
    expect(config.sources.forks).toEqual({ kind: 'file', detail: 'conf/other.yaml:2:8' });
  });

  it('reads the file named by KBRUN_CONFIG; --config wins over it', async () => {
    const root = await makeTree({ 'a.yaml': 'forks: 3\n', 'b.yaml': 'forks: 4\n' });
    expect((await loadConfig({ cwd: root, env: { KBRUN_CONFIG: 'a.yaml' }, flags: {} })).values.forks).toBe(3);
    expect((await loadConfig({ cwd: root, env: { KBRUN_CONFIG: 'a.yaml' }, explicitFile: 'b.yaml', flags: {} })).values.forks).toBe(4);
  });

  it('refuses an explicit file that does not exist', async () => {
    const root = await makeTree();
    const error = await rejection(loadConfig({ cwd: root, env: {}, explicitFile: 'missing.yaml', flags: {} }));
    expect(error).toBeInstanceOf(KbrunError);
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain(`--config: no such settings file: ${join(root, 'missing.yaml')}`);
  });

  it('resolves relative paths in the file against its directory, leaving host lists, absolute paths and ~ alone', async () => {
    const root = await makeTree({
      'conf/kbrun.config.yaml': ['inventory: [hosts.yml, "web1,web2,", /etc/kbrun/hosts.yml]', 'log_file: logs/run.log', 'roles_path: [roles, ../shared/roles]', 'vault_password_file: ~/.kbrun-vault', 'var_dir: state', ''].join('\n'),
    });
    await mkdir(join(root, 'work'));
    const config = await loadConfig({ cwd: join(root, 'work'), env: { HOME: '/home/ops' }, explicitFile: '../conf/kbrun.config.yaml', flags: {} });
    const conf = join(root, 'conf');
    expect(config.values.inventory).toEqual([join(conf, 'hosts.yml'), 'web1,web2,', '/etc/kbrun/hosts.yml']);
    expect(config.values.log_file).toBe(join(conf, 'logs', 'run.log'));
    expect(config.values.roles_path).toEqual([join(conf, 'roles'), join(root, 'shared', 'roles')]);
    expect(config.values.vault_password_file).toBe('/home/ops/.kbrun-vault');
    expect(config.values.var_dir).toBe(join(conf, 'state'));
  });

  it('resolves relative paths from the environment and from flags against the cwd', async () => {
    const root = await makeTree({ 'kbrun.config.yaml': 'log_dir: from-file\n', 'sub/.keep': '' });
    const cwd = join(root, 'sub');
    const config = await loadConfig({ cwd, env: { KBRUN_LOG_DIR: 'logs', KBRUN_INVENTORY: 'inv/a.yml' }, flags: { vault_password_file: 'secret/pw', log_file: 'run.log' } });
    expect(config.values.log_dir).toBe(join(cwd, 'logs'));
    expect(config.values.inventory).toEqual([join(cwd, 'inv', 'a.yml')]);
    expect(config.values.vault_password_file).toBe(join(cwd, 'secret', 'pw'));
    expect(config.values.log_file).toBe(join(cwd, 'run.log'));
  });
});

describe('loadConfig: precedence', () => {
  it('lets the environment win over the file, and flags win over both', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'forks: 20\noutput: json\nmax_sessions: 4\n' });
    const envOnly = await loadConfig({ cwd, env: { KBRUN_FORKS: '30', KBRUN_OUTPUT: 'text' }, flags: {} });
    expect(envOnly.values).toMatchObject({ forks: 30, output: 'text', max_sessions: 4 });
    expect(envOnly.sources.forks).toEqual({ kind: 'env', detail: 'KBRUN_FORKS' });
    expect(envOnly.sources.max_sessions).toEqual({ kind: 'file', detail: 'kbrun.config.yaml:3:15' });

    const withFlags = await loadConfig({ cwd, env: { KBRUN_FORKS: '30' }, flags: { forks: 40 } });
    expect(withFlags.values.forks).toBe(40);
    expect(withFlags.sources.forks).toEqual({ kind: 'flag', detail: '--forks' });
    expect(withFlags.values.output).toBe('json');
  });

  it('ignores flags left undefined', async () => {
    const cwd = await makeTree();
    const config = await loadConfig({ cwd, env: {}, flags: { forks: undefined } as never });
    expect(config.sources.forks).toEqual({ kind: 'default' });
  });

  it('refuses a flag value its schema does not accept (E_CLI_OPTION naming the flag)', async () => {
    const cwd = await makeTree();
    const error = await rejection(loadConfig({ cwd, env: {}, flags: { forks: 0 } }));
    expect(error.code).toBe('E_CLI_OPTION');
    expect(error.message).toBe('--forks expects an integer of at least 1, got 0');
  });
});

describe('loadConfig: environment variables', () => {
  const load = async (env: NodeJS.ProcessEnv) => (await loadConfig({ cwd: await makeTree(), env, flags: {} })).values;

  it('reads comma-separated lists (blank items dropped; empty text is an empty list)', async () => {
    expect((await load({ KBRUN_PROTECTED_HOSTS: 'install-01, install-v3 ,db-01,' })).protected_hosts).toEqual(['install-01', 'install-v3', 'db-01']);
    expect((await load({ KBRUN_MODULE_PACKS: 'builtin,docker' })).module_packs).toEqual(['builtin', 'docker']);
    expect((await load({ KBRUN_SECRET_PATTERNS: '' })).secret_patterns).toEqual([]);
  });

  it('reads booleans as true/false/1/0/yes/no in any case', async () => {
    for (const [text, value] of [['true', true], ['FALSE', false], ['1', true], ['0', false], ['yes', true], ['No', false]] as const) {
      expect((await load({ KBRUN_RETRY_FILES: text })).retry_files).toBe(value);
    }
    expect((await load({ KBRUN_HOST_KEY_CHECKING: 'no' })).host_key_checking).toBe(false);
    expect((await load({ KBRUN_HOST_KEY_CHECKING: 'accept-new' })).host_key_checking).toBe('accept-new');
  });

  it('reads numbers, and empty text as null where null is allowed', async () => {
    expect(await load({ KBRUN_FORKS: ' 8 ', KBRUN_CONNECT_TIMEOUT: '2.5', KBRUN_SIM_TIME_SCALE: '0.01', KBRUN_TASK_TIMEOUT: '' })).toMatchObject({
      forks: 8,
      connect_timeout: 2.5,
      sim_time_scale: 0.01,
      task_timeout: null,
    });
    expect((await load({ KBRUN_LOG_FILE: '' })).log_file).toBeNull();
  });

  it('refuses a bad value with E_CONFIG naming the variable', async () => {
    const cwd = await makeTree();
    const cases: Array<[NodeJS.ProcessEnv, string]> = [
      [{ KBRUN_FORKS: 'abc' }, "environment variable KBRUN_FORKS expects an integer of at least 1, got 'abc'"],
      [{ KBRUN_FORKS: '2.5' }, 'environment variable KBRUN_FORKS expects an integer of at least 1, got 2.5'],
      [{ KBRUN_OUTPUT: 'xml' }, "environment variable KBRUN_OUTPUT expects 'text' or 'json', got 'xml'"],
      [{ KBRUN_RETRY_FILES: 'maybe' }, "environment variable KBRUN_RETRY_FILES expects true or false, got 'maybe'"],
      [{ KBRUN_HOST_KEY_CHECKING: 'strict' }, "environment variable KBRUN_HOST_KEY_CHECKING expects true, false or 'accept-new', got 'strict'"],
      [{ KBRUN_TASK_TIMEOUT: '-1' }, 'environment variable KBRUN_TASK_TIMEOUT expects a number above 0 or null, got -1'],
      [{ KBRUN_MODULE_PACKS: 'builtin,Docker Pack' }, "environment variable KBRUN_MODULE_PACKS expects a list of strings matching ^[a-z][a-z0-9-]*$, got 'Docker Pack' (item 2)"],
      [{ KBRUN_VAR_DIR: '' }, "environment variable KBRUN_VAR_DIR expects a non-empty string, got ''"],
    ];
    for (const [env, message] of cases) {
      const error = await rejection(loadConfig({ cwd, env, flags: {} }));
      expect(error).toBeInstanceOf(KbrunError);
      expect(error.code).toBe('E_CONFIG');
      expect(error.message).toBe(message);
    }
  });

  it('reports every bad variable together', async () => {
    const error = await rejection(loadConfig({ cwd: await makeTree(), env: { KBRUN_FORKS: 'x', KBRUN_MAX_SESSIONS: 'y' }, flags: {} }));
    expect(error).toBeInstanceOf(KbrunErrors);
    expect(error.errors.map((e: KbrunError) => e.message)).toEqual([
      "environment variable KBRUN_FORKS expects an integer of at least 1, got 'x'",
      "environment variable KBRUN_MAX_SESSIONS expects an integer of at least 1, got 'y'",
    ]);
  });
});

describe('loadConfig: NO_COLOR', () => {
  const color = async (env: NodeJS.ProcessEnv, flags = {}) => {
    const config = await loadConfig({ cwd: await makeTree({ 'kbrun.config.yaml': 'color: always\n' }), env, flags });
    return [config.values.color, config.sources.color];
  };

  it('makes color never, over the file', async () => {
    expect(await color({ NO_COLOR: '1' })).toEqual(['never', { kind: 'env', detail: 'NO_COLOR' }]);
  });

  it('is ignored when empty (no-color.org)', async () => {
    expect((await color({ NO_COLOR: '' }))[0]).toBe('always');
  });

  it('gives way to KBRUN_COLOR and to --color', async () => {
    expect(await color({ NO_COLOR: '1', KBRUN_COLOR: 'auto' })).toEqual(['auto', { kind: 'env', detail: 'KBRUN_COLOR' }]);
    expect(await color({ NO_COLOR: '1' }, { color: 'always' })).toEqual(['always', { kind: 'flag', detail: '--color' }]);
  });
});

describe('loadConfig: errors in the file', () => {
  it('refuses an unknown key with its location and a suggestion', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'forks: 5\nfrks: 10\n' });
    const error = await rejection(loadConfig({ cwd, env: {}, flags: {} }));
    expect(error).toBeInstanceOf(KbrunError);
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toBe("unknown setting 'frks'. Did you mean 'forks'?");
    expect(error.location).toMatchObject({ file: join(cwd, 'kbrun.config.yaml'), line: 2, col: 1 });
    expect(error.render()).toContain('2 | frks: 10\n    ^^^^');
  });

  it('suggests the snake_case name for a kebab-case key', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'connect-timeout: 3\n' });
    expect((await rejection(loadConfig({ cwd, env: {}, flags: {} }))).message).toContain("Did you mean 'connect_timeout'?");
  });

  it('points at the value of a setting with the wrong type', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': '# kbrun settings\nforks: many\n' });
    const error = await rejection(loadConfig({ cwd, env: {}, flags: {} }));
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toBe("forks expects an integer of at least 1, got 'many'");
    expect(error.location).toMatchObject({ line: 2, col: 8 });
  });

  it('points at the offending item of a list', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'inventory:\n  - hosts.yml\n  - 42\n' });
    const error = await rejection(loadConfig({ cwd, env: {}, flags: {} }));
    expect(error.message).toBe('inventory expects a list of non-empty strings, got 42 (item 2)');
    expect(error.location).toMatchObject({ line: 3, col: 5 });
  });

  it('does not take a quoted number for a number, nor a string for a list', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'connect_timeout: "10"\nroles_path: roles\n' });
    const error = await rejection(loadConfig({ cwd, env: {}, flags: {} }));
    expect(error).toBeInstanceOf(KbrunErrors);
    expect(error.errors.map((e: KbrunError) => [e.message, e.location?.line, e.location?.col])).toEqual([
      ["connect_timeout expects a number above 0, got '10'", 1, 18],
      ["roles_path expects a list of non-empty strings, got 'roles'", 2, 13],
    ]);
  });

  it('collects every error of the file, in file order', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'forkz: 1\noutput: xml\ncolour: never\n' });
    const error = await rejection(loadConfig({ cwd, env: {}, flags: {} }));
    expect(error).toBeInstanceOf(KbrunErrors);
    expect(error.errors.map((e: KbrunError) => e.location?.line)).toEqual([1, 2, 3]);
    expect(error.errors[2].message).toBe("unknown setting 'colour'. Did you mean 'color'?");
  });

  it('refuses a file that is not a mapping', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': '- forks: 1\n' });
    const error = await rejection(loadConfig({ cwd, env: {}, flags: {} }));
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain('must be a mapping of settings');
    expect(error.location).toMatchObject({ line: 1, col: 1 });
  });

  it('lets YAML syntax errors through from the loader', async () => {
    const cwd = await makeTree({ 'kbrun.config.yaml': 'forks: [1\n' });
    const error = await rejection(loadConfig({ cwd, env: {}, flags: {} }));
    expect(error).toBeInstanceOf(KbrunErrors);
    expect(error.errors[0].code).toBe('E_YAML_SYNTAX');
  });
});
