import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock, defineModule, runPlaybook, KbrunErrors, type KbrunEvent } from '@kbrun/core';
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

describe('the timeout keyword', () => {
  // A module that says where it is, then waits far longer than the task may take (on the engine clock).
  const slow = defineModule<{ steps: number }>({
    name: 'slow_steps',
    description: 'Reports each step, then waits an hour.',
    check: 'none',
    schema: { type: 'object', properties: { steps: { type: 'integer' } }, required: ['steps'], additionalProperties: false },
    run: async (args, ctx) => {
      for (let step = 1; step <= args.steps; step++) ctx.progress(`step ${step} of ${args.steps}`);
      await ctx.sleep(3_600_000);
      return { changed: true };
    },
  });

  it.each([
    [2, 'The task timed out after 5 seconds (it was at: step 2 of 2)'],
    [0, 'The task timed out after 5 seconds'],
  ])('fails the task after its timeout, quoting what the module last reported (%i steps)', async (steps, msg) => {
    project = tempProject({ 'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - slow_steps: { steps: ${steps} }\n      timeout: 5\n` });
    const seen: KbrunEvent[] = [];
    const started = performance.now();
    const result = await runPlaybook({ playbook: project.path('site.yml'), modules: [builtinModules, { slow_steps: slow }], clock: createClock(0.01), onEvent: (e) => seen.push(e) });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.exitCode).toBe(2);
    const failed = seen.find((e) => e.type === 'host_result' && e.status === 'failed') as { result: Record<string, unknown> } | undefined;
    expect(failed?.result['msg']).toBe(msg);
  });

  it('taskTimeout (the task_timeout setting) bounds every task that sets no timeout; a task keyword wins', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - slow_steps: { steps: 1 }\n      timeout: 2\n      ignore_errors: true\n    - slow_steps: { steps: 1 }\n`,
    });
    const seen: KbrunEvent[] = [];
    const result = await runPlaybook({ playbook: project.path('site.yml'), modules: [builtinModules, { slow_steps: slow }], clock: createClock(0.01), taskTimeout: 7, onEvent: (e) => seen.push(e) });
    expect(result.exitCode).toBe(2);
    const msgs = seen.filter((e) => e.type === 'host_result').map((e) => (e as { result: Record<string, unknown> }).result['msg']);
    expect(msgs).toEqual(['The task timed out after 2 seconds (it was at: step 1 of 1)', 'The task timed out after 7 seconds (it was at: step 1 of 1)']);
  });
});
