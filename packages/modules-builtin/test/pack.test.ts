import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { builtinModules, copy, debug, file } from '../src/index.js';
import { prepareArgs } from './helpers/target.js';

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });

describe('builtinModules', () => {
  it('lists the modules under their Ansible names', () => {
    expect(Object.keys(builtinModules).sort()).toEqual(
      ['assert', 'blockinfile', 'command', 'copy', 'debug', 'fail', 'file', 'include_vars', 'lineinfile', 'pause', 'set_fact', 'setup', 'shell', 'slurp', 'stat', 'template', 'uri', 'vault_vars', 'wait_for'].sort(),
    );
    for (const [key, module] of Object.entries(builtinModules)) expect(module.name).toBe(key);
  });

  it.each(Object.entries(builtinModules))('%s has a strict, well-formed schema', (_, module) => {
    expect(module.description.length).toBeGreaterThan(20);
    expect(['full', 'none']).toContain(module.check);
    expect(module.schema.type).toBe('object');
    expect(() => ajv.compile(module.schema)).not.toThrow();
    if (module.name !== 'set_fact') expect(module.schema.additionalProperties).toBe(false);
    for (const property of Object.values(module.schema.properties)) expect(typeof property['description']).toBe('string');
    if (module.freeForm) expect(module.schema.properties[module.freeForm]).toBeDefined();
  });

  it.each([
    ['command', { cmd: 'ls', chdir: '/tmp' }, true],
    ['command', { cmd: 'ls', bogus: 1 }, false],
    ['file', { path: '/x', mode: 420 }, true],
    ['file', { path: '/x', mode: '0644' }, true],
    ['file', { path: '/x', state: 'hard' }, false],
    ['file', { dest: '/x' }, true],
    ['file', { state: 'file' }, false],
    ['copy', { content: 'x', dest: '/x', owner: 0 }, true],
    ['copy', { content: 'x' }, false],
    ['uri', { url: 'http://127.0.0.1/', status_code: [200, '201'] }, true],
    ['set_fact', { anything: [1], cacheable: true }, true],
    ['set_fact', { cacheable: 'yes' }, false],
    ['debug', { msg: { a: 1 } }, true],
    ['assert', { that: ['a', 'b'] }, true],
    ['assert', {}, false],
    ['wait_for', { port: 70000 }, false],
    ['pause', { seconds: '10' }, true],
  ] as const)('%s accepts %j: %s', (name, args, valid) => {
    expect(ajv.validate(builtinModules[name]!.schema, args)).toBe(valid);
  });

  it('survives the engine\'s coercion and defaults', () => {
    // YAML 1.1 reads `mode: 0644` as 420: coercion must not turn it into the text '420'.
    expect(prepareArgs(file, { path: '/x', mode: 420 })['mode']).toBe(420);
    expect(prepareArgs(copy, { content: 'x', dest: '/x', mode: '0644' })['mode']).toBe('0644');
    // A default for debug's msg would make every `var:` call fail as 'incompatible options'.
    expect(prepareArgs(debug, { var: 'x' })).toEqual({ var: 'x', verbosity: 0 });
    expect(prepareArgs(file, { path: '/x' })).toMatchObject({ follow: true, force: false, recurse: false });
  });
});
