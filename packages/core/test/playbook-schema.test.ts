import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinModules } from '@kbrun/modules-builtin';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { playbookJsonSchema } from '../src/language/playbook-schema.js';
import { ModuleRegistry } from '../src/modules/module-registry.js';
import { parseYaml } from '../src/source/yaml-loader.js';

const registry = new ModuleRegistry([builtinModules]);
const validate = new Ajv({ strict: false, allErrors: true }).compile(playbookJsonSchema(registry));

/** A playbook of one play on `all` with these tasks. */
const withTasks = (...tasks: unknown[]) => [{ hosts: 'all', tasks }];

describe('playbookJsonSchema', () => {
  it('is a draft-07 schema', () => {
    expect(playbookJsonSchema(registry)['$schema']).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('accepts playbooks/examples/hello.yml', () => {
    const file = fileURLToPath(new URL('../../../playbooks/examples/hello.yml', import.meta.url));
    const [playbook] = parseYaml(readFileSync(file, 'utf8'), file);
    expect(validate(playbook), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it.each([
    ['a plain module task', withTasks({ name: 'hi', debug: { msg: 'hi' }, when: 'x is defined' })],
    ['a namespaced module', withTasks({ 'ansible.builtin.copy': { dest: '/tmp/x', content: 'a' } })],
    ['a free-form module', withTasks({ command: 'echo hi' })],
    ['a block task', withTasks({ name: 'b', block: [{ debug: { msg: 'hi' } }], rescue: [{ debug: { msg: 'r' } }], always: [{ debug: { msg: 'a' } }], when: 'x' })],
    ['a nested block', withTasks({ block: [{ block: [{ command: 'true' }] }] })],
    ['an include_tasks task', withTasks({ include_tasks: 'more.yml' })],
    ['an include_tasks task with options and a loop', withTasks({ include_tasks: { file: 'more.yml' }, loop: [1, 2] })],
    ['an import_tasks task', withTasks({ import_tasks: 'more.yml', tags: ['x'] })],
    ['an include_role task', withTasks({ include_role: { name: 'web', tasks_from: 'setup' }, when: 'x' })],
    ['an import_role task', withTasks({ name: 'r', import_role: { name: 'web' } })],
    ['an action task', withTasks({ action: 'copy src=a dest=/tmp/b' })],
    ['a local_action task', withTasks({ local_action: { module: 'command', cmd: 'true' }, register: 'out' })],
    ['a meta task', withTasks({ meta: 'flush_handlers' })],
    ['handlers with listen', [{ hosts: 'all', handlers: [{ name: 'restart', command: 'true', listen: 'restart web' }] }]],
    ['roles as names and mappings with parameters', [{ hosts: 'all', roles: ['common', { role: 'web', port: 80, when: 'x', tags: 'web' }, { name: 'db', vars: { a: 1 } }] }]],
    ['an import_playbook play', [{ import_playbook: 'other.yml' }]],
    ['an import_playbook play with name, vars, when and tags', [{ name: 'more', import_playbook: 'other.yml', vars: { a: 1 }, when: 'x', tags: ['t'] }]],
    ['templates for a boolean, an integer and an enum argument', withTasks({ file: { path: '/tmp/x', state: '{{ wanted }}', force: '{{ force | bool }}', recurse: '{{x}}' } })],
    ['templates for a number, a list and a mapping argument', withTasks({ uri: { url: 'http://x', timeout: '{{ t }}', status_code: '{{ codes }}', headers: '{{ h }}' } })],
    ['a template inside a mapping argument', withTasks({ uri: { url: 'http://x', headers: { 'X-A': '{{ a }}' } } })],
  ])('accepts %s', (_, playbook) => {
    expect(validate(playbook), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it.each([
    ['an unknown task keyword', withTasks({ debug: { msg: 'hi' }, bogus_keyword: 1 })],
    ['an unknown module', withTasks({ name: 'x', no_such_module: { a: 1 } })],
    ['a copy task with an unknown argument', withTasks({ copy: { dest: '/tmp/x', content: 'a', bogus: 1 } })],
    ['a play without hosts', [{ name: 'no hosts', tasks: [] }]],
    ['an unknown play keyword', [{ hosts: 'all', taks: [] }]],
    ['a block with a module', withTasks({ block: [{ command: 'true' }], debug: { msg: 'hi' } })],
    ['a rescue without a block', withTasks({ debug: { msg: 'hi' }, rescue: [{ command: 'true' }] })],
    ['a bad task inside a block', withTasks({ block: [{ no_such_module: {} }] })],
    ['an include_tasks task with a module', withTasks({ include_tasks: 'more.yml', command: 'true' })],
    ['an include_role without a name', withTasks({ include_role: { tasks_from: 'x' } })],
    ['an unknown meta action', withTasks({ meta: 'flush_handler' })],
    ['a handler with an unknown module', [{ hosts: 'all', handlers: [{ name: 'h', no_such_module: {} }] }]],
    ['a role mapping without role or name', [{ hosts: 'all', roles: [{ port: 80 }] }]],
    ['an import_playbook play with hosts', [{ import_playbook: 'other.yml', hosts: 'all' }]],
    ['an import_playbook play with tasks', [{ import_playbook: 'other.yml', tasks: [] }]],
    ['a plain word for a boolean argument', withTasks({ file: { path: '/tmp/x', force: 'maybe' } })],
    ['a value outside an enum argument', withTasks({ file: { path: '/tmp/x', state: 'gone' } })],
    ['a template standing for a whole task', withTasks('{{ task }}')],
    ['a template standing for module arguments with an unknown one', withTasks({ file: { path: '/tmp/x', bogus: '{{ x }}' } })],
  ])('rejects %s', (_, playbook) => {
    expect(validate(playbook)).toBe(false);
  });

  it('describes a task file as a list of tasks with root "tasks"', () => {
    const validateTasks = new Ajv({ strict: false }).compile(playbookJsonSchema(registry, 'tasks'));
    expect(validateTasks([{ name: 'hi', debug: { msg: 'hi' } }, { include_tasks: 'more.yml' }])).toBe(true);
    expect(validateTasks([{ hosts: 'all', tasks: [] }])).toBe(false);
  });

  it('keeps the description of an argument that also takes a template', () => {
    const args = (playbookJsonSchema(registry)['$defs'] as Record<string, { properties: Record<string, Record<string, unknown>> }>)['module_file']!.properties;
    expect(args['force']).toMatchObject({ description: expect.any(String), default: false, anyOf: [{ type: 'boolean' }, { type: 'string', pattern: '\\{\\{' }] });
    expect(args['path']).toEqual({ type: 'string', description: expect.any(String) });
  });
});

describe('ModuleRegistry', () => {
  it.each(['copy', 'ansible.builtin.copy', 'ansible.legacy.copy'])('resolves %s to the copy module', (name) => {
    expect(registry.get(name)).toBe(builtinModules.copy);
  });

  it('returns undefined for an unknown module', () => {
    expect(registry.get('ansible.builtin.no_such_module')).toBeUndefined();
  });
});
