import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAGIC_VARIABLES } from '@kbrun/core';
import { describe, expect, it } from 'vitest';
import { events, runKbrun } from './helpers/run-kbrun.js';

// Every special variable the docs table calls supported is set in the place Ansible sets it; none marked
// "not applicable" is. Each task below lists the variable names it sees (the varnames lookup).
const NAMES = `debug: { msg: "{{ query('varnames', '.') }}" }`;

describe('magic variables', () => {
  it('are those of the docs table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbrun-magic-'));
    try {
      for (const [role, tasks] of Object.entries({ parent: `- ${NAMES}\n- include_role: { name: child }\n`, child: `- ${NAMES}\n` })) {
        mkdirSync(join(dir, 'roles', role, 'tasks'), { recursive: true });
        writeFileSync(join(dir, 'roles', role, 'tasks', 'main.yml'), tasks);
      }
      writeFileSync(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    h1: { ansible_connection: local }\n');
      writeFileSync(
        join(dir, 'site.yml'),
        `- hosts: all
  gather_facts: false
  roles: [parent]
  tasks:
    - ${NAMES}
      loop: [1]
      loop_control: { index_var: i }
    - block:
        - fail: { msg: boom }
      rescue:
        - ${NAMES}
`,
      );
      const run = await runKbrun(['--output', 'json', '-i', join(dir, 'hosts.yml'), '--limit', 'h1', join(dir, 'site.yml')], { cwd: dir });
      const seen = new Set<string>();
      for (const e of events(run.stdout)) {
        const msg = e['type'] === 'host_result' ? (e['result'] as Record<string, unknown>)['msg'] : undefined;
        if (Array.isArray(msg)) for (const name of msg) seen.add(String(name));
      }
      const supported = MAGIC_VARIABLES.filter((v) => v.status === 'supported').map((v) => v.name);
      expect(supported.filter((name) => !seen.has(name))).toEqual([]);
      expect(MAGIC_VARIABLES.filter((v) => v.status !== 'supported' && seen.has(v.name)).map((v) => v.name)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
