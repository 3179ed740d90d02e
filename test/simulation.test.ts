import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SSH_ENDPOINTS_PATH } from '@kbrun/hcloud-sim';
import { captureProxy } from './helpers/capture-proxy.js';
import { bastionRequests, FleetSim, rebuiltIds } from './helpers/fleet-sim.js';
import { events, recapOf, runKbrun } from './helpers/run-kbrun.js';
import { serveSim } from './helpers/served-sim.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// `kbrun --sim`: the Hetzner simulator in process, scaled time, public IPs mapped to the simulator's SSH ports,
// and the protected bastions refused before any request touches them; `kbrun --sim URL`: the same against a
// simulator that `kbrun sim serve` runs in another process.
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

  it('a task that targets a bastion is refused before any request, and no request names a bastion', async () => {
    project = tempProject({ 'site.yml': playbook });
    const fleet = new FleetSim('t0ken-for-the-test');
    const sim = await fleet.start();
    try {
      let requestsBeforeBastion = -1;
      const { result, events: seen } = await fleet.run(project.path('site.yml'), {
        inventory: false,
        onEvent: (e) => {
          if (e.type === 'task_start' && e.task.name === 'bastion') requestsBeforeBastion = sim.requests().length;
        },
      });
      const results = Object.fromEntries(seen.filter((e) => e['type'] === 'host_result').map((e) => [(e['task'] as { name: string }).name, e]));
      // Port 22 answers through the address map, so the run reaches the bastion task.
      expect(results['port 22']?.['status']).toBe('ok');
      expect(results['bastion']?.['status']).toBe('failed');
      expect(String((results['bastion']?.['result'] as Record<string, unknown>)['msg'])).toContain('E_PROTECTED_HOST');
      expect(requestsBeforeBastion).toBeGreaterThan(0);
      expect(sim.requests()).toHaveLength(requestsBeforeBastion);
      expect(bastionRequests(sim)).toEqual([]);
      expect(result.stats['localhost']).toMatchObject({ failed: 1 });
    } finally {
      await fleet.stop();
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

describe('kbrun --sim URL', () => {
  const simToken = `sim-token-${randomBytes(8).toString('hex')}`;
  const realTokens = { HCLOUD_TOKEN: `real-hcloud-${randomBytes(8).toString('hex')}`, HETZNER_API_TOKEN: `real-hetzner-${randomBytes(8).toString('hex')}` };
  let work: TempProject;
  let served: Awaited<ReturnType<typeof serveSim>>;
  let proxy: Awaited<ReturnType<typeof captureProxy>>;
  beforeAll(async () => {
    work = tempProject({ 'sim-token': simToken });
    served = await serveSim(['--token-file', work.path('sim-token')], root);
    proxy = await captureProxy(new URL(served.url).origin);
  });
  afterAll(async () => {
    await proxy?.close();
    await served?.stop();
    work?.cleanup();
  });

  it('runs the whole reset through `kbrun sim serve`: 47 rebuilt, 10 batch logs, exit 0, never the Hetzner token of the environment', async () => {
    const run = await runKbrun(['--sim', `${proxy.origin}/v1`, '-i', 'inventory/hosts.yml', '--output', 'json', '-e', `kbrun_var_dir=${work.dir}`, 'playbooks/reset_hetzner.yml'], {
      cwd: root,
      env: { ...realTokens, KBRUN_SIM_TOKEN: simToken },
    });
    expect(run.code, run.stderr).toBe(0);
    const recap = recapOf(run.stdout);
    expect(Object.keys(recap).filter((h) => h !== 'localhost')).toHaveLength(47);
    expect(Object.values(recap).every((stats) => stats['failed'] === 0 && stats['unreachable'] === 0)).toBe(true);
    expect(new Set(rebuiltIds(proxy.seen)).size).toBe(47);
    expect(readdirSync(work.path('logs/phase1'))).toHaveLength(10);
    // Step 8 found the SSH ports where the served simulator publishes them.
    expect(proxy.seen.some((r) => r.path === SSH_ENDPOINTS_PATH && r.status === 200)).toBe(true);
    // Every request carried the simulator's token, none the environment's Hetzner tokens (headers, paths, bodies).
    expect(new Set(proxy.seen.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${simToken}`]));
    const sent = JSON.stringify(proxy.seen);
    for (const token of Object.values(realTokens)) expect(sent).not.toContain(token);
    expect(run.stdout + run.stderr).not.toContain(simToken);
  }, 90_000);

  it('stops before the run, saying what to set, when the simulator refuses its token (the environment\'s is not tried)', async () => {
    const before = proxy.seen.length;
    const run = await runKbrun(['--sim', `${proxy.origin}/v1`, '--output', 'json', 'playbooks/examples/hello.yml'], { cwd: root, env: { ...realTokens, KBRUN_SIM_TOKEN: '' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('E_CONNECTION');
    expect(run.stderr).toContain('set KBRUN_SIM_TOKEN');
    expect(events(run.stdout).filter((e) => e['type'] === 'host_result')).toEqual([]);
    expect(proxy.seen.slice(before).map((r) => [r.path, r.status])).toEqual([[SSH_ENDPOINTS_PATH, 401]]);
    expect(JSON.stringify(proxy.seen.slice(before))).not.toContain(realTokens.HCLOUD_TOKEN);
  });
});
