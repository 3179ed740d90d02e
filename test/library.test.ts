import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runPlaybook, KbrunErrors, type KbrunEvent } from '@kbrun/core';
import { builtinModules } from '@kbrun/modules-builtin';
import { motd } from './fixtures/library/motd-module.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

let project: TempProject;
afterEach(() => project?.cleanup());

describe('library API', () => {
  it('runs a playbook from code with inventory, extra vars, check mode and an event listener', async () => {
    project = tempProject({
      'hosts.yml': 'all:\n  hosts:\n    a: { ansible_connection: local }\n    b: { ansible_connection: local }\n',
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: write\n      motd: { text: "{{ greeting }} {{ inventory_hostname }}", path: "{{ playbook_dir }}/motd-{{ inventory_hostname }}" }\n`,
    });
    const seen: KbrunEvent[] = [];
    const options = { playbook: project.path('site.yml'), inventory: [project.path('hosts.yml')], extraVars: { greeting: 'hi' }, modules: [builtinModules, { motd }] };
    const checked = await runPlaybook({ ...options, check: true, onEvent: (e) => seen.push(e) });
    expect(checked.exitCode).toBe(0);
    expect(checked.stats['a']).toMatchObject({ ok: 1, changed: 1 });
    expect(seen.filter((e) => e.type === 'host_result').map((e) => (e as { status: string }).status)).toEqual(['changed', 'changed']);
    expect(() => readFileSync(project.path('motd-a'))).toThrow();

    const real = await runPlaybook(options);
    expect(real.stats['b']).toMatchObject({ changed: 1 });
    expect(readFileSync(project.path('motd-b'), 'utf8')).toBe('hi b\n');
    const again = await runPlaybook(options);
    expect(again.stats['b']).toMatchObject({ ok: 1, changed: 0 });
  });

  it('throws every loading error together before running', async () => {
    project = tempProject({ 'site.yml': '- hosts: localhost\n  tasks:\n    - motd: {}\n    - nope: {}\n' });
    const error = await runPlaybook({ playbook: project.path('site.yml'), modules: [builtinModules, { motd }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KbrunErrors);
    expect((error as KbrunErrors).errors.map((e) => e.code)).toEqual(['E_SCHEMA', 'E_UNKNOWN_MODULE']);
  });

  it('docs/writing-modules.md shows the module this test runs', () => {
    const doc = readFileSync(new URL('../docs/writing-modules.md', import.meta.url), 'utf8');
    expect(doc).toContain(readFileSync(new URL('./fixtures/library/motd-module.ts', import.meta.url), 'utf8').trim());
  });
});
