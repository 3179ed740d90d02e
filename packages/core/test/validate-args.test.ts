import { describe, expect, it } from 'vitest';
import { defineModule } from '../src/modules/define-module.js';
import { validateModuleArgs } from '../src/modules/validate-args.js';
import { parseYaml } from '../src/source/yaml-loader.js';

const demo = defineModule({
  name: 'demo',
  description: 'a module for tests',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      count: { type: 'integer' },
      force: { type: 'boolean', default: false },
      label: { type: 'string' },
      either: { type: ['boolean', 'string'] },
    },
    required: ['path'],
    additionalProperties: false,
  },
  run: async () => ({ changed: false }),
});

const TASK = { file: 'play.yml', line: 7, col: 5 };

/** Validates a copy of `args`; returns the (coerced, defaulted) args and the error messages. */
function check(args: Record<string, unknown>, skip?: Set<string>) {
  const copy = { ...args };
  const errors = validateModuleArgs(demo, copy, { task: TASK }, skip);
  expect(errors.every((e) => e.code === 'E_SCHEMA')).toBe(true);
  return { args: copy, messages: errors.map((e) => e.message) };
}

describe('validateModuleArgs', () => {
  it('fills defaults of valid arguments', () => {
    expect(check({ path: '/x' })).toEqual({ args: { path: '/x', state: 'present', force: false }, messages: [] });
  });

  it.each([
    [{}, /^missing required argument 'path' for module 'demo'$/],
    [{ path: '/x', forse: true }, /^unknown argument 'forse' for module 'demo'\. Did you mean 'force'\?$/],
    [{ path: '/x', state: 'gone' }, /^argument 'state' of 'demo' must be one of "present", "absent"; got "gone"$/],
    [{ path: '/x', count: 'many' }, /^argument 'count' of 'demo' must be integer; got string "many"$/],
    [{ path: ['/x'] }, /^argument 'path' of 'demo' must be string; got a list$/],
  ])('reports %j', (args, message) => {
    expect(check(args).messages).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['yes', true],
    ['On', true],
    ['off', false],
    ['NO', false],
    ['true', true],
  ])("reads the Ansible boolean word '%s' as %s for a boolean-only argument", (word, value) => {
    expect(check({ path: '/x', force: word })).toMatchObject({ args: { force: value }, messages: [] });
  });

  it.each([
    ['t', true],
    ['F', false],
  ])("reads the Ansible boolean word '%s' as %s", (word, value) => {
    expect(check({ path: '/x', force: word })).toMatchObject({ args: { force: value }, messages: [] });
  });

  it('leaves boolean words alone for string arguments', () => {
    expect(check({ path: '/x', label: 'yes', either: 'off' }).args).toMatchObject({ label: 'yes', either: 'off' });
  });

  it('coerces numeric strings as Ansible does', () => {
    expect(check({ path: '/x', count: '5' }).args.count).toBe(5);
  });

  it('ignores errors of arguments that are still templates (skip)', () => {
    const args = { path: '/x', count: '{{ n }}', state: '{{ s }}' };
    expect(check(args, new Set(['count', 'state'])).messages).toEqual([]);
    expect(check(args).messages).toHaveLength(2);
  });

  it('locates errors in the YAML (key of an unknown argument, value of a bad one)', () => {
    const [task] = parseYaml('demo:\n  path: /x\n  bogus: 1\n  count: lots\n', 'task.yml') as [{ demo: Record<string, unknown> }];
    const errors = validateModuleArgs(demo, task.demo, { task: TASK, args: task.demo });
    expect(errors.map((e) => [e.message.split(' ')[0], e.location?.line, e.location?.col])).toEqual([
      ['unknown', 3, 3],
      ['argument', 4, 10],
    ]);
  });
});
