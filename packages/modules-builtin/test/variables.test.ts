import { KbrunError, UndefinedVariableError } from '@kbrun/core';
import { describe, expect, it } from 'vitest';
import { assert, debug, fail, includeVars, pause, setFact } from '../src/index.js';
import { FIXTURES, makeContext, runModule } from './helpers/target.js';

const vars = { x: { y: [1, 2] }, empty: '', zero: 0, list: [], name: 'kbrun', yes: true };

describe('debug', () => {
  it('prints Hello world! by default and any msg value', async () => {
    expect(await runModule(debug, {})).toEqual({ changed: false, msg: 'Hello world!' });
    expect(await runModule(debug, { msg: ['a', { b: 1 }] })).toEqual({ changed: false, msg: ['a', { b: 1 }] });
  });

  it('reports var under its own expression text', async () => {
    expect(await runModule(debug, { var: 'x.y' }, { vars })).toEqual({ changed: false, 'x.y': [1, 2] });
    expect(await runModule(debug, { var: 'nope' }, { vars })).toEqual({ changed: false, nope: 'VARIABLE IS NOT DEFINED!' });
  });

  it('treats an undefined-variable error as not defined, other errors as failures', async () => {
    const { ctx } = makeContext();
    ctx.evaluate = () => {
      throw new KbrunError('E_UNDEFINED_VAR', "'ghost' is undefined");
    };
    expect((await debug.run({ var: 'ghost' }, ctx))['ghost']).toBe('VARIABLE IS NOT DEFINED!');
    ctx.evaluate = () => {
      throw new UndefinedVariableError('ghost');
    };
    expect((await debug.run({ var: 'ghost' }, ctx))['ghost']).toBe('VARIABLE IS NOT DEFINED!');
    ctx.evaluate = () => {
      throw new KbrunError('E_EXPRESSION', 'unexpected token');
    };
    expect(await debug.run({ var: 'a +' }, ctx)).toMatchObject({ failed: true });
  });

  it('refuses msg with var', async () => {
    expect(await runModule(debug, { msg: 'a', var: 'x' })).toMatchObject({ failed: true, msg: "'msg' and 'var' are incompatible options" });
  });
});

describe('set_fact', () => {
  it('returns the arguments as facts, without cacheable', async () => {
    expect(await runModule(setFact, { a: 1 })).toEqual({ changed: false, ansible_facts: { a: 1 } });
    expect(await runModule(setFact, { a: 1, b: { c: 'd' }, cacheable: true })).toEqual({
      changed: false,
      ansible_facts: { a: 1, b: { c: 'd' } },
      _ansible_facts_cacheable: true,
    });
  });

  it.each([
    [{}, 'No key/value pairs provided, at least one is required for this action to succeed'],
    [{ 'bad-name': 1 }, "The variable name 'bad-name' is not valid."],
  ])('fails for %j', async (args, msg) => {
    const result = await runModule(setFact, args);
    expect(result.failed).toBe(true);
    expect(result.msg).toContain(msg);
  });
});

describe('assert', () => {
  it.each([
    ['a single true condition', { that: 'yes' }],
    ['a list of truthy values', { that: ['name', 'x.y', 'x'] }],
  ])('passes with %s', async (_, args) => {
    expect(await runModule(assert, args, { vars })).toEqual({ changed: false, msg: 'All assertions passed' });
  });

  it.each(['empty', 'zero', 'list', 'missing', 'false'])('fails on the falsy value of %s', async (expression) => {
    expect(await runModule(assert, { that: ['yes', expression] }, { vars })).toEqual({
      failed: true,
      changed: false,
      evaluated_to: false,
      assertion: expression,
      msg: 'Assertion failed',
    });
  });

  it('uses fail_msg, msg and success_msg', async () => {
    expect((await runModule(assert, { that: 'zero', fail_msg: 'custom' }, { vars })).msg).toBe('custom');
    expect((await runModule(assert, { that: 'zero', msg: 'old name' }, { vars })).msg).toBe('old name');
    expect((await runModule(assert, { that: 'yes', success_msg: 'fine' }, { vars })).msg).toBe('fine');
  });
});

describe('fail', () => {
  it('fails with the default or given message', async () => {
    expect(await runModule(fail, {})).toEqual({ failed: true, changed: false, msg: 'Failed as requested from task' });
    expect((await runModule(fail, { msg: 'stop here' })).msg).toBe('stop here');
  });
});

describe('pause', () => {
  it('waits on the engine clock, reports progress, and counts written seconds', async () => {
    const test = makeContext({ check: true });
    const result = await pause.run({ seconds: 3 }, test.ctx);
    expect(test.slept).toEqual([1000, 1000, 1000]);
    expect(test.progress.length).toBe(3);
    expect(result).toMatchObject({ changed: false, delta: 3, stdout: 'Paused for 3 seconds', user_input: '' });
    expect(result['start']).toMatch(/^\d{4}-\d{2}-\d{2} /);
  });

  it('accepts minutes and fractional seconds', async () => {
    const test = makeContext();
    expect((await pause.run({ minutes: '0.05' }, test.ctx))['stdout']).toBe('Paused for 0.05 minutes');
    expect(test.slept.reduce((a, b) => a + b, 0)).toBe(3000);
    const short = makeContext();
    await pause.run({ seconds: 0.25 }, short.ctx);
    expect(short.slept).toEqual([250]);
  });

  it('refuses prompts', async () => {
    expect((await runModule(pause, {})).failed).toBe(true);
  });
});

describe('include_vars', () => {
  it('loads a vars file (YAML 1.1 octal included)', async () => {
    const result = await runModule(includeVars, { file: 'app.yml' });
    expect(result).toEqual({
      changed: false,
      ansible_facts: { app_name: 'demo', app_port: 8080, app_mode: 0o644, app_users: ['alice', 'bob'] },
      ansible_included_var_files: [`${FIXTURES}/vars/app.yml`],
    });
  });

  it('puts everything under name', async () => {
    const result = await runModule(includeVars, { file: 'app.yml', name: 'app' });
    expect(result.ansible_facts).toEqual({ app: expect.objectContaining({ app_name: 'demo' }) });
  });

  it('loads a directory in path order, later files winning', async () => {
    const result = await runModule(includeVars, { dir: 'tree' });
    expect(result.ansible_facts).toEqual({ a: 1, b: 2, c: 3, shared: 'from-b' });
    expect(result['ansible_included_var_files']).toEqual([`${FIXTURES}/vars/tree/a.yml`, `${FIXTURES}/vars/tree/b.json`, `${FIXTURES}/vars/tree/sub/c.yaml`]);
    expect((await runModule(includeVars, { dir: 'tree', depth: 1, files_matching: '^a' })).ansible_facts).toEqual({ a: 1, shared: 'from-a' });
  });

  it('fails for a missing file or a file that is not a mapping', async () => {
    expect((await runModule(includeVars, { file: 'missing.yml' })).failed).toBe(true);
    const list = await runModule(includeVars, { file: 'list.yml' });
    expect(list.failed).toBe(true);
    expect(list.msg).toContain('must contain a mapping');
  });
});
