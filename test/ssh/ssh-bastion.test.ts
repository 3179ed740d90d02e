// Jump hosts: targets reached only through a bastion's forwarding, one bastion connection shared by all of them.
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { ConnectionError, runPlaybook } from '@kbrun/core';
import { builtinModules } from '@kbrun/modules-builtin';
import { sshConnectionFactory, sshModules } from '@kbrun/ssh';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sshdMissing, startSshdHarness, type SshdHarness } from '../helpers/sshd-harness.js';
import { requires } from '../helpers/prerequisite.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const needsSshd = requires(sshdMissing);

let harness: SshdHarness;
let project: TempProject;

beforeAll(async () => {
  if (sshdMissing) return;
  // The bastion logs each forwarding it does (DEBUG1: "server_request_direct_tcpip … target 127.0.0.21 port N").
  harness = await startSshdHarness({
    hosts: [
      { name: 'bastion', address: '127.0.0.60', logLevel: 'DEBUG1' },
      { name: 'app1', address: '127.0.0.61' },
      { name: 'app2', address: '127.0.0.62' },
    ],
  });
  project = tempProject();
});

afterAll(async () => {
  await harness?.stop();
  project?.cleanup();
});

/** Variables of a target reached through the bastion (the test never dials the target itself). */
function viaBastion(name: string, jump: string = `root@127.0.0.60:${harness.host('bastion').port}`): Record<string, unknown> {
  return harness.hostVars(name, { ansible_ssh_common_args: `-o UserKnownHostsFile=${harness.knownHostsFile} -o ProxyJump=${jump}` });
}

const forwardsTo = (host: string) =>
  harness
    .host('bastion')
    .log()
    .split('\n')
    .filter((line) => line.includes('server_request_direct_tcpip') && line.includes(`target ${harness.host(host).address} port ${harness.host(host).port}`)).length;
const bastionLogins = () =>
  harness
    .host('bastion')
    .log()
    .split('\n')
    .filter((line) => line.startsWith('Accepted publickey for root')).length;
const targetLogins = (host: string) =>
  harness
    .host(host)
    .log()
    .split('\n')
    .filter((line) => line.startsWith('Accepted publickey for root')).length;

describe('ProxyJump', () => {
  needsSshd('runs a playbook on targets behind a bastion through one shared bastion connection', async () => {
    const workdir = join(harness.dir, 'work');
    mkdirSync(workdir);
    const lines = ['all:', '  children:', '    apps:', '      hosts:'];
    for (const name of ['app1', 'app2']) {
      lines.push(`        ${name}:`);
      for (const [key, value] of Object.entries(viaBastion(name))) lines.push(`          ${key}: ${JSON.stringify(value)}`);
    }
    project.write('hosts.yml', `${lines.join('\n')}\n`);
    project.write(
      'site.yml',
      `- hosts: apps
  gather_facts: false
  tasks:
    - command: echo through the bastion
      register: out
    - copy: { content: "{{ inventory_hostname }}\\n", dest: "${workdir}/{{ inventory_hostname }}.txt" }
    - assert: { that: ["out.stdout == 'through the bastion'"] }
`,
    );
    const before = { bastion: bastionLogins(), app1: forwardsTo('app1'), app2: forwardsTo('app2') };
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    try {
      const result = await runPlaybook({
        playbook: project.path('site.yml'),
        inventory: [project.path('hosts.yml')],
        modules: [builtinModules, sshModules],
        connections: { ssh: ssh.factory },
      });
      expect(result.exitCode).toBe(0);
      expect(result.stats['app1']).toMatchObject({ ok: 3, changed: 2 });
      expect(readFileSync(join(workdir, 'app2.txt'), 'utf8')).toBe('app2\n');
      // The targets' connections were forwarded by the bastion, which was logged in to once for both.
      expect(forwardsTo('app1') - before.app1).toBe(1);
      expect(forwardsTo('app2') - before.app2).toBe(1);
      expect(bastionLogins() - before.bastion).toBe(1);
      // The engine closed the targets at the end of the run: the last one let go of the bastion.
      expect(ssh.jumpConnections()).toBe(0);
    } finally {
      await ssh.closeAll();
    }
  });

  needsSshd('shares the bastion between concurrent first connections and reconnects through it', async () => {
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    const before = bastionLogins();
    try {
      const [app1, app2] = await Promise.all([ssh.factory('app1', viaBastion('app1')), ssh.factory('app2', viaBastion('app2'))]);
      const outputs = await Promise.all([...Array.from({ length: 5 }, () => app1!.exec(['hostname'])), ...Array.from({ length: 5 }, () => app2!.exec(['true']))]);
      expect(outputs.every((r) => r.rc === 0)).toBe(true);
      expect(bastionLogins() - before).toBe(1);
      expect(ssh.jumpConnections()).toBe(1);
      // app1's connection drops (its sshd ends the session); the next command logs in again through the same bastion.
      const app1Before = targetLogins('app1');
      await harness.host('app1').dropConnections();
      expect((await app1!.exec(['echo', 'again'])).stdout).toBe('again\n');
      expect(targetLogins('app1') - app1Before).toBe(1);
      expect(bastionLogins() - before).toBe(1);
    } finally {
      await ssh.closeAll();
    }
    expect(ssh.jumpConnections()).toBe(0);
  });

  needsSshd('accepts -J and a chain of two jumps', async () => {
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    const bastion = `root@127.0.0.60:${harness.host('bastion').port}`;
    const second = `root@127.0.0.61:${harness.host('app1').port}`;
    try {
      const viaJ = await ssh.factory('app2', harness.hostVars('app2', { ansible_ssh_common_args: `-o UserKnownHostsFile=${harness.knownHostsFile} -J ${bastion}` }));
      expect((await viaJ.exec(['echo', 'j'])).stdout).toBe('j\n');
      const before = forwardsTo('app2');
      const chained = await ssh.factory('app2', viaBastion('app2', `${bastion},${second}`));
      expect((await chained.exec(['echo', 'chain'])).stdout).toBe('chain\n');
      // The last hop (app1) forwarded this one, not the bastion.
      expect(forwardsTo('app2') - before).toBe(0);
      expect(forwardsTo('app1')).toBeGreaterThan(0);
    } finally {
      await ssh.closeAll();
    }
  });

  needsSshd('says which hop failed: a bastion that refuses, a target the bastion cannot reach', async () => {
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    try {
      const deadBastion = await ssh.factory('app1', viaBastion('app1', 'root@127.0.0.63:22'));
      await expect(deadBastion.exec(['true'])).rejects.toThrow(
        /^app1 \(root@127\.0\.0\.61:\d+\): ssh to jump host root@127\.0\.0\.63:22: connect to 127\.0\.0\.63 port 22: connection refused$/,
      );
      const noTarget = await ssh.factory('gone', { ...viaBastion('app1'), ansible_host: '127.0.0.64', ansible_port: 9 });
      const error = await noTarget.exec(['true']).then(() => undefined, (e: Error) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error!.message).toMatch(/^ssh to gone \(root@127\.0\.0\.64:9\): jump host root@127\.0\.0\.60:\d+ could not open a connection to 127\.0\.0\.64 port 9: /);
    } finally {
      await ssh.closeAll();
    }
  });

  needsSshd('under the loopback guard, refuses to have the bastion forward off this machine', async () => {
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    const before = harness.host('bastion').log().split('\n').filter((l) => l.includes('server_request_direct_tcpip')).length;
    try {
      const outside = await ssh.factory('outside', { ...viaBastion('app1'), ansible_host: '192.0.2.7' });
      const error = await outside.exec(['true']).then(() => undefined, (e: Error) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error!.message).toMatch(/refusing to connect to address 192\.0\.2\.7: loopback-only mode/);
      expect(harness.host('bastion').log().split('\n').filter((l) => l.includes('server_request_direct_tcpip')).length).toBe(before);
    } finally {
      await ssh.closeAll();
    }
  });
});
