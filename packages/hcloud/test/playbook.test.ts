// The pack through the engine: a playbook of hcloud tasks (rebuild, volumes, check mode), as `kbrun` would run it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClock, runPlaybook, type KbrunEvent } from '@kbrun/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hcloudModules } from '../src/index.js';
import { TOKEN, useFake } from './helpers/setup.js';

const { fake } = useFake();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kbrun-hcloud-play-'));
  const web = fake.addServer({ name: 'web-01' });
  fake.addVolume({ name: 'vol-old', server: web['id'] });
  fake.addServer({ name: 'install-01' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function play(tasks: string, check = false): Promise<{ exitCode: number; results: Record<string, unknown>[]; text: string }> {
  const file = join(dir, `play-${Math.random().toString(36).slice(2)}.yml`);
  await writeFile(file, `- hosts: localhost\n  gather_facts: false\n  vars:\n    hcloud_api: "${fake.url}"\n  tasks:\n${tasks}`);
  const events: KbrunEvent[] = [];
  const result = await runPlaybook({ playbook: file, modules: [hcloudModules], check, clock: createClock(0.02), extraVars: { hcloud_token: TOKEN }, onEvent: (e) => events.push(e) });
  const results = events.filter((e): e is Extract<KbrunEvent, { type: 'host_result' }> => e.type === 'host_result').map((e) => e.result as Record<string, unknown>);
  return { exitCode: result.exitCode, results, text: JSON.stringify(events) };
}

describe('hcloud tasks in a playbook', () => {
  it('rebuilds a server, replaces its volume, registers the result, and never shows the token', async () => {
    const auth = 'api_token: "{{ hcloud_token }}", api_endpoint: "{{ hcloud_api }}"';
    const run = await play(
      [
        `    - hcloud_server: { name: web-01, image: debian-12, state: rebuild, ${auth} }`,
        '      register: rebuilt',
        `    - hcloud_volume: { name: vol-old, state: absent, ${auth} }`,
        `    - hcloud_volume: { name: vol-new, size: 20, server: "{{ rebuilt.hcloud_server.name }}", format: ext4, ${auth} }`,
        `    - hcloud_volume_info: { name: vol-new, ${auth} }`,
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
    expect(run.results.map((r) => r['changed'])).toEqual([true, true, true, false]);
    expect(run.results[0]).toMatchObject({ hcloud_server: { name: 'web-01', status: 'running', image: 'debian-12' } });
    expect(run.results[3]).toMatchObject({ hcloud_volume_info: [{ name: 'vol-new', server: 'web-01', size: 20 }] });
    expect(run.text).not.toContain(TOKEN);
    expect([...fake.volumes.values()].find((v) => v['name'] === 'vol-new')!['server']).toBe([...fake.servers.values()].find((s) => s['name'] === 'web-01')!['id']);
  });

  it('in --check, reports what it would do and sends only GET requests', async () => {
    fake.clearLog();
    const run = await play('    - hcloud_server: { name: install-01, state: absent, api_token: "{{ hcloud_token }}", api_endpoint: "{{ hcloud_api }}" }\n', true);
    expect(run.exitCode).toBe(0);
    expect(run.results[0]).toMatchObject({ changed: true, msg: 'would: delete server install-01' });
    expect(fake.writes()).toEqual([]);
  });
});
