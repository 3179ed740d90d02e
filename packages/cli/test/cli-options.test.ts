import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KbrunError } from '@kbrun/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliOptions, useColor } from '../src/cli-options.js';
import { parseExtraVars } from '../src/extra-vars.js';

const parse = (args: string) => parseCliOptions(args.split(' ').filter(Boolean));

/** The error code a call throws. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof KbrunError ? error.code : `not a KbrunError: ${String(error)}`;
  }
  return undefined;
}

describe('parseCliOptions', () => {
  it('has Ansible-like defaults', () => {
    expect(parse('site.yml')).toMatchObject({
      command: 'run',
      playbooks: ['site.yml'],
      extraVars: [],
      limit: undefined,
      check: false,
      diff: false,
      verbosity: 0,
      syntaxCheck: false,
      configFlags: {},
      configFile: undefined,
    });
  });

  it.each([
    ['-vvv a.yml', { verbosity: 3 }],
    ['-v -v a.yml', { verbosity: 2 }],
    ['-i one.yml -i a,b, --inventory dir a.yml', { configFlags: { inventory: ['one.yml', 'a,b,', 'dir'] } }],
    ['-t a,b -t c --skip-tags d --start-at-task x --force-handlers --list-tasks a.yml', { tags: ['a', 'b', 'c'], skipTags: ['d'], startAtTask: 'x', forceHandlers: true, list: { hosts: false, tasks: true, tags: false } }],
    ['config --config k.yml', { command: 'config', configFile: 'k.yml' }],
    ['-e x=1 -e @vars.yml --extra-vars {"y":2} a.yml', { extraVars: ['x=1', '@vars.yml', '{"y":2}'] }],
    ['-C -D -f 10 -l web:!db --syntax-check --output json a.yml b.yml', { check: true, diff: true, configFlags: { forks: 10, output: 'json' }, limit: 'web:!db', syntaxCheck: true, playbooks: ['a.yml', 'b.yml'] }],
    ['schema', { command: 'schema', playbooks: [], schemaRoot: 'playbook' }],
    ['schema tasks', { command: 'schema', playbooks: [], schemaRoot: 'tasks' }],
    ['--help', { command: 'help' }],
    ['-h', { command: 'help' }],
    ['--version', { command: 'version' }],
  ])('%s', (args, expected) => {
    expect(parse(args)).toMatchObject(expected);
  });

  it.each(['', '--forks 0 a.yml', '--forks many a.yml', '-f 1.5 a.yml', '--output yaml a.yml', '--bogus a.yml', '-x a.yml', '--forks', 'schema roles', 'schema tasks more'])('rejects %j with E_CLI_OPTION', (args) => {
    expect(codeOf(() => parse(args))).toBe('E_CLI_OPTION');
  });

  it.each([
    ['auto', {}, true, true],
    ['auto', {}, false, false],
    ['auto', { FORCE_COLOR: '1' }, false, true],
    ['auto', { FORCE_COLOR: '0' }, true, false],
    ['auto', { FORCE_COLOR: 'false' }, true, false],
    ['never', { FORCE_COLOR: '1' }, true, false],
    ['always', {}, false, true],
  ] as const)('colour %s with %j on a terminal=%s is %s', (setting, env, tty, expected) => {
    expect(useColor(setting, env, tty)).toBe(expected);
  });
});

describe('parseExtraVars', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kbrun-extra-vars-'));
    await writeFile(join(dir, 'vars.yml'), 'env: prod\nports: [80, 443]\n');
    await writeFile(join(dir, 'list.yml'), '- a\n- b\n');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ["a=1 b='two words'", { a: '1', b: 'two words' }],
    ['msg="x=y" empty=', { msg: 'x=y', empty: '' }],
    ['{"a": 1, "b": [true, null]}', { a: 1, b: [true, null] }],
  ])('parses %s', async (text, expected) => {
    expect(await parseExtraVars(text)).toEqual(expected);
  });

  it('reads @file.yml', async () => {
    expect(await parseExtraVars(`@${join(dir, 'vars.yml')}`)).toEqual({ env: 'prod', ports: [80, 443] });
  });

  it.each([
    ['novalue', 'E_CLI_OPTION'],
    ['=x', 'E_CLI_OPTION'],
    ['{not json', 'E_CLI_OPTION'],
    ['{a: 1} trailing', 'E_CLI_OPTION'],
    ['[1, 2]', 'E_CLI_OPTION'],
    ['@/nonexistent/kbrun/vars.yml', 'E_FILE_NOT_FOUND'],
  ])('rejects %s with %s', async (text, code) => {
    await expect(parseExtraVars(text)).rejects.toMatchObject({ code });
  });

  it('rejects a vars file that is not a mapping', async () => {
    await expect(parseExtraVars(`@${join(dir, 'list.yml')}`)).rejects.toMatchObject({ code: 'E_VARS_FILE' });
  });

  it('parses a YAML flow mapping', async () => {
    expect(await parseExtraVars('{env: prod, ports: [80, 443]}')).toEqual({ env: 'prod', ports: [80, 443] });
  });
});
