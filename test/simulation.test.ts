import { afterEach, describe, expect, it } from 'vitest';
import { enableLoopbackOnly, runPlaybook } from '@kbrun/core';
import { closeHcloudClients, configureHcloudClients, hcloudModules } from '@kbrun/hcloud';
import { createSimulator, loadSeedFile, mergeSeeds } from '@kbrun/hcloud-sim';
import { builtinModules } from '@kbrun/modules-builtin';
import { events, runKbrun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// `kbrun --sim`: the Hetzner simulator in process, scaled time, public IPs mapped to the simulator's SSH ports,
// and the protected bastions refused before any request touches them.
const root = new URL('..', import.meta.url).pathname;
let project: TempProject;
afterEach(() => project?.cleanup());

const playbook = `- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      hcloud_server_info: { name: k8s-master-01 }
      register: info
    - name: rebuild
      hcloud_server: { name: k8s-master-01, state: rebuild, image: ubuntu-24.04 }
    - name: status
      hcloud_server_info: { name: k8s-master-01 }
      register: after
      until: after.hcloud_server_info[0].status == 'running'
      retries: 60
      delay: 10
    - name: port 22
      wait_for: { host: "{{ info.hcloud_server_info[0].ipv4_address }}", port: 22, timeout: 300 }
    - name: bastion
      hcloud_server: { name: install-v3, state: rebuild, image: ubuntu-24.04 }
`;

describe('simulation mode', () => {
  it('kbrun --sim rebuilds a fleet server against the in-process simulator, waits for its port 22, and refuses a bastion', async () => {
    project = tempProject({ 'site.yml': playbook });
    const run = await runKbrun(['--sim', '--output', 'json', project.path('site.yml')], { cwd: root });
    const results = Object.fromEntries(events(run.stdout).filter((e) => e['type'] === 'host_result').map((e) => [e['task'], e]));
    expect(results['rebuild']?.['status']).toBe('changed');
    expect(results['port 22']?.['status']).toBe('ok');
    expect(results['bastion']?.['status']).toBe('failed');
    expect(String((results['bastion']?.['result'] as Record<string, unknown>)['msg'])).toContain('E_PROTECTED_HOST');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('hcloud simulator listening on http://127.0.0.1:');
  });

  it('a protected server is never the subject of a request', async () => {
    enableLoopbackOnly();
    const seed = mergeSeeds(loadSeedFile(`${root}servers/servers_v3.tsv`), loadSeedFile(`${root}servers/existing_volumes_v3.json`));
    const simulator = createSimulator({ seed, timeScale: 0.001, tokens: ['t0ken-for-the-test'] });
    const { url } = await simulator.listen();
    project = tempProject({ 'site.yml': playbook });
    configureHcloudClients({ env: { HCLOUD_ENDPOINT: url, HCLOUD_TOKEN: 't0ken-for-the-test' } });
    try {
      const result = await runPlaybook({ playbook: project.path('site.yml'), modules: [builtinModules, hcloudModules], protectedHosts: ['install-01', 'install-v3'] });
      expect(result.stats['localhost']).toMatchObject({ failed: 1 });
      const bastionIds = (simulator.state().servers as Array<{ id: number; name: string }>).filter((s) => s.name.startsWith('install-')).map((s) => String(s.id));
      const touching = simulator.requests().filter((r) => bastionIds.some((id) => r.path.includes(`/servers/${id}`)) || /install-/.test(JSON.stringify(r.query ?? {})));
      expect(touching).toEqual([]);
    } finally {
      await closeHcloudClients();
      await simulator.close();
    }
  });

  it('-i hcloud.yml builds the inventory from the (simulated) API', async () => {
    project = tempProject({
      'hcloud.yml': 'plugin: hcloud\n',
      'site.yml': `- hosts: all\n  gather_facts: false\n  connection: local\n  tasks:\n    - name: count\n      debug: { msg: "{{ groups['all'] | length }} {{ hostvars['k8s-master-01'].ansible_host }}" }\n      run_once: true\n`,
    });
    const run = await runKbrun(['--sim', '--output', 'json', '-i', project.path('hcloud.yml'), project.path('site.yml')], { cwd: root });
    expect(run.code).toBe(0);
    const count = events(run.stdout).find((e) => e['type'] === 'host_result' && e['task'] === 'count');
    expect((count?.['result'] as Record<string, unknown>)['msg']).toBe('49 203.0.113.100');
  });
});
