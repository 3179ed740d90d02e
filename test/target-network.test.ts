// Modules act from the target's network (issue 12), shown on a lab host, which has a network of its own: a port
// open only inside the lab host is seen by wait_for and uri run for that host; a port open only on the controller
// is not; delegate_to: localhost keeps the controller's view of both. Through the kbrun binary and `kbrun lab`
// itself, in a lab of its own (other labs on the machine are untouched). Needs what the lab needs (root,
// debootstrap, systemd-nspawn: CI=true fails without them). test/ssh/ssh-target-network.test.ts shows the
// mechanism (the target's sshd opens the connection) against the sshd harness.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { labPrerequisitesMissing } from '@kbrun/lab';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { requires } from './helpers/prerequisite.js';
import { events, recapOf, runKbrun, type KbrunRun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

const root = new URL('..', import.meta.url).pathname;
const inventory = `${root}inventory/hosts.yml`;
const lab = `tn${process.pid}`;
const HOST = 'haproxy-01';
// The port the service inside the lab host listens on (127.0.0.1 of the lab host only).
const INSIDE = 18081;
const it = requires(labPrerequisitesMissing());

let controllerOnly: Server | undefined;
let controllerPort = 0;
let project: TempProject | undefined;

function kbrun(args: readonly string[]): Promise<KbrunRun> {
  return runKbrun(args, { cwd: root, env: { KBRUN_LAB: lab } });
}

function exec(...command: string[]): Promise<KbrunRun> {
  return kbrun(['lab', 'exec', HOST, '--', ...command]);
}

beforeAll(async () => {
  if (labPrerequisitesMissing() !== undefined) return;
  // A port open only on the controller (this machine's loopback; the lab host has its own).
  controllerOnly = createServer((_request, response) => response.end('on the controller\n'));
  await new Promise<void>((done) => controllerOnly!.listen(0, '127.0.0.1', done));
  controllerPort = (controllerOnly.address() as AddressInfo).port;
});

afterAll(async () => {
  project?.cleanup();
  if (controllerOnly) {
    controllerOnly.closeAllConnections();
    await new Promise((done) => controllerOnly!.close(done));
  }
  if (labPrerequisitesMissing() === undefined) await kbrun(['lab', 'down']);
}, 120_000);

describe('modules act from the target\'s network (lab)', () => {
  it('a port open only inside a lab host is seen; a port open only on the controller is not; delegate_to: localhost sees the opposite', async () => {
    const up = await kbrun(['lab', 'up', HOST]);
    expect(up.code, up.stderr).toBe(0);
    // A web server on the lab host's own loopback, as a systemd unit so that it outlives `lab exec`.
    expect((await exec('sh', '-c', `mkdir -p /srv/tn && echo "inside ${HOST}" > /srv/tn/index.html`)).code).toBe(0);
    const serve = await exec('systemd-run', '--unit=kbrun-target-network', '--', 'python3', '-m', 'http.server', String(INSIDE), '--bind', '127.0.0.1', '--directory', '/srv/tn');
    expect(serve.code, serve.stderr).toBe(0);
    // Nothing inside the lab host listens on the controller's port (the check below would be meaningless otherwise).
    expect((await exec('ss', '-Htln', `sport = :${controllerPort}`)).stdout.trim()).toBe('');

    project = tempProject({
      'site.yml': `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - name: inside port, from the target
      wait_for: { port: ${INSIDE}, timeout: 60 }
    - name: its fleet address, from the target (the loopback guard is on, but the lab host makes this connection)
      wait_for: { host: "{{ ansible_host }}", port: 22, search_regex: '^SSH-2\\.0-', timeout: 10 }
    - name: inside page, from the target
      uri: { url: "http://127.0.0.1:${INSIDE}/", return_content: true }
      register: inside
    - name: controller port, from the target
      wait_for: { port: ${controllerPort}, timeout: 3, sleep: 1 }
      register: controller_port
      ignore_errors: true
    - name: controller port is stopped, from the target
      wait_for: { port: ${controllerPort}, state: stopped, timeout: 10 }
    - name: controller page, from the target
      uri: { url: "http://127.0.0.1:${controllerPort}/" }
      register: controller_page
      ignore_errors: true
    - name: controller port, from the controller
      wait_for: { port: ${controllerPort}, timeout: 10 }
      delegate_to: localhost
    - name: controller page, from the controller
      uri: { url: "http://127.0.0.1:${controllerPort}/", return_content: true }
      delegate_to: localhost
      register: controller_view
    - name: inside port is stopped, from the controller
      wait_for: { port: ${INSIDE}, state: stopped, timeout: 10 }
      delegate_to: localhost
    - name: what each side saw
      assert:
        that:
          - inside.status == 200
          - inside.content == 'inside ${HOST}\\n'
          - controller_port.failed
          - controller_port.msg == 'Timeout when waiting for 127.0.0.1:${controllerPort}'
          - controller_page.status == -1
          - controller_page.msg is search('connection refused by 127.0.0.1:${controllerPort} on the target ${HOST}')
          - controller_view.content == 'on the controller\\n'
`,
    });
    const run = await kbrun(['--lab', '--output', 'json', '-i', inventory, '-l', HOST, project.path('site.yml')]);
    const results = events(run.stdout).filter((e) => e['type'] === 'host_result');
    // Only the two ignored checks of the controller's port from the target fail.
    const failed = results.filter((e) => e['status'] === 'failed');
    expect(failed.map((e) => [e['task'], e['ignored']]), run.stderr).toEqual([
      ['controller port, from the target', true],
      ['controller page, from the target', true],
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(recapOf(run.stdout)[HOST]).toMatchObject({ failed: 0, unreachable: 0, ignored: 2 });
  }, 900_000);
});
