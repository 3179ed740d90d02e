import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { events, recapOf, runKbrun } from './helpers/run-kbrun.js';
import { localInventory } from './helpers/local-inventory.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';
import { commandMissing, requires } from './helpers/prerequisite.js';

// Playbook structure beyond what test/ansible-compat checks against ansible-playbook itself
// (blocks, handlers, serial, any_errors_fatal, max_fail_percentage, roles, includes, tags, delegation are there).
let project: TempProject;
afterEach(() => project?.cleanup());

function msgs(stdout: string, task: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of events(stdout)) if (e['type'] === 'host_result' && e['task'] === task && e['item'] === undefined) out[e['host'] as string] = (e['result'] as Record<string, unknown>)['msg'];
  return out;
}

describe('handlers and meta', () => {
  it('--force-handlers runs notified handlers on a host that failed afterwards', async () => {
    const play = `- hosts: nodes\n  gather_facts: false\n  tasks:\n    - command: /bin/true\n      notify: h\n    - command: "{{ '/bin/false' if inventory_hostname == 'h1' else '/bin/true' }}"\n  handlers:\n    - name: h\n      debug: { msg: handled }\n`;
    project = tempProject({ 'inventory.yml': localInventory(2), 'site.yml': play });
    const args = ['--output', 'json', '-i', project.path('inventory.yml'), project.path('site.yml')];
    expect(Object.keys(msgs((await runKbrun(args)).stdout, 'h'))).toEqual(['h2']);
    expect(Object.keys(msgs((await runKbrun(['--force-handlers', ...args])).stdout, 'h')).sort()).toEqual(['h1', 'h2']);
  });

  it('meta end_play stops the play for every host; refresh_inventory re-reads the inventory', async () => {
    project = tempProject({
      'inventory.yml': 'all:\n  hosts:\n    h1: { ansible_connection: local, color: red }\n',
      'site.yml': `- hosts: h1
  gather_facts: false
  tasks:
    - name: before
      debug: { msg: "{{ color }}" }
    - name: rewrite inventory
      copy:
        dest: "{{ playbook_dir }}/inventory.yml"
        content: "all:\\n  hosts:\\n    h1: { ansible_connection: local, color: blue }\\n"
    - meta: refresh_inventory
    - name: after
      debug: { msg: "{{ hostvars.h1.color }}" }
    - meta: end_play
    - name: never
      debug: { msg: never }
`,
    });
    const run = await runKbrun(['--output', 'json', '-i', project.path('inventory.yml'), project.path('site.yml')]);
    expect(run.code).toBe(0);
    expect(msgs(run.stdout, 'before')).toEqual({ h1: 'red' });
    expect(msgs(run.stdout, 'after')).toEqual({ h1: 'blue' });
    expect(msgs(run.stdout, 'never')).toEqual({});
  });
});

describe('playbook composition', () => {
  it('import_playbook inlines another playbook; clear_host_errors brings failed hosts back', async () => {
    project = tempProject({
      'inventory.yml': localInventory(2),
      'other.yml': `- name: imported play\n  hosts: nodes\n  gather_facts: false\n  tasks:\n    - name: from other\n      debug: { msg: "{{ inventory_hostname }}" }\n`,
      'site.yml': `- import_playbook: other.yml
- hosts: nodes
  gather_facts: false
  tasks:
    - name: h1 fails
      command: "{{ '/bin/false' if inventory_hostname == 'h1' else '/bin/true' }}"
    - meta: clear_host_errors
    - name: everyone again
      debug: { msg: back }
`,
    });
    const run = await runKbrun(['--output', 'json', '-i', project.path('inventory.yml'), project.path('site.yml')]);
    expect(msgs(run.stdout, 'from other')).toEqual({ h1: 'h1', h2: 'h2' });
    expect(Object.keys(msgs(run.stdout, 'everyone again')).sort()).toEqual(['h1', 'h2']);
  });
});

describe('listing and selecting', () => {
  const playbook = `- name: demo
  hosts: nodes
  gather_facts: false
  tags: [play]
  tasks:
    - name: first
      debug: { msg: 1 }
      tags: [a]
    - name: second
      debug: { msg: 2 }
      tags: [b]
    - name: third
      debug: { msg: 3 }
`;

  it('--list-hosts, --list-tasks and --list-tags print what would run, in ansible-playbook layout', async () => {
    project = tempProject({ 'inventory.yml': localInventory(3), 'site.yml': playbook });
    const base = ['-i', project.path('inventory.yml'), project.path('site.yml')];
    const hosts = await runKbrun(['--list-hosts', '-l', 'odd', ...base]);
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toContain('  play #1 (nodes): demo\tTAGS: [play]\n    pattern: [\'nodes\']\n    hosts (2):\n      h1\n      h3\n');
    const tasks = await runKbrun(['--list-tasks', '--skip-tags', 'b', ...base]);
    expect(tasks.stdout).toContain('    tasks:\n      first\tTAGS: [play, a]\n      third\tTAGS: [play]\n');
    const tags = await runKbrun(['--list-tags', ...base]);
    expect(tags.stdout).toContain('      TASK TAGS: [a, b, play]');
  });

  it('--start-at-task skips the tasks before the named one', async () => {
    project = tempProject({ 'inventory.yml': localInventory(1), 'site.yml': playbook });
    const run = await runKbrun(['--output', 'json', '--start-at-task', 'second', '-i', project.path('inventory.yml'), project.path('site.yml')]);
    expect(events(run.stdout).filter((e) => e['type'] === 'task_start').map((e) => e['task'])).toEqual(['second', 'third']);
  });
});

describe('facts', () => {
  it('gathers facts by default in one step per host, and serves them from the cache in later plays', async () => {
    const play = (name: string) => `- name: ${name}\n  hosts: localhost\n  tasks:\n    - name: ${name} facts\n      debug: { msg: "{{ ansible_hostname }} {{ ansible_facts.distribution }} {{ ansible_processor_vcpus > 0 }}" }\n`;
    project = tempProject({ 'site.yml': play('one') + play('two') });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(run.code).toBe(0);
    const gathered = events(run.stdout).filter((e) => e['type'] === 'host_result' && e['task'] === 'Gathering Facts');
    expect(gathered).toHaveLength(2);
    expect((gathered[1]!['result'] as Record<string, unknown>)['cached']).toBe(true);
    expect(String(msgs(run.stdout, 'one facts')['localhost'])).toBe(`${hostname().split('.')[0]} Debian True`);
    expect(recapOf(run.stdout)['localhost']).toMatchObject({ ok: 4 });
  });

  it('the setup module honours gather_subset', async () => {
    project = tempProject({ 'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - setup: { gather_subset: [min] }\n    - name: show\n      debug: { msg: "{{ ansible_mounts is defined }} {{ ansible_distribution is defined }}" }\n` });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(msgs(run.stdout, 'show')).toEqual({ localhost: 'False True' });
  });
});

describe('become', () => {
  const needsSudo = requires(commandMissing('sudo', ['-n', 'true'], 'install sudo (apt-get install sudo) and run as root or with passwordless sudo'));
  needsSudo('runs commands as become_user through sudo', async () => {
    project = tempProject({ 'site.yml': `- hosts: localhost\n  gather_facts: false\n  become: true\n  become_user: nobody\n  tasks:\n    - command: id -un\n      register: who\n    - name: who\n      debug: { msg: "{{ who.stdout }}" }\n` });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(msgs(run.stdout, 'who')).toEqual({ localhost: 'nobody' });
  });
});

describe('retry files and logs', () => {
  it('writes <playbook>.retry with the failed hosts, and --limit @file reruns only them', async () => {
    project = tempProject({
      'inventory.yml': localInventory(3),
      'site.yml': `- hosts: nodes\n  gather_facts: false\n  tasks:\n    - command: "{{ '/bin/false' if inventory_hostname == 'h2' and fail | default(true) | bool else '/bin/true' }}"\n`,
    });
    const first = await runKbrun(['-i', project.path('inventory.yml'), project.path('site.yml')]);
    expect(first.code).toBe(2);
    expect(readFileSync(project.path('site.retry'), 'utf8')).toBe('h2\n');
    expect(first.stdout).toContain(`--limit @${project.path('site.retry')}`);
    const again = await runKbrun(['--output', 'json', '-i', project.path('inventory.yml'), '-l', `@${project.path('site.retry')}`, '-e', 'fail=false', project.path('site.yml')]);
    expect(again.code).toBe(0);
    expect(Object.keys(recapOf(again.stdout))).toEqual(['h2']);
  });

  it('--log-file appends a timestamped text log; --log-dir writes one log per batch', async () => {
    project = tempProject({
      'inventory.yml': localInventory(3),
      'site.yml': `- hosts: nodes\n  gather_facts: false\n  serial: 2\n  tasks:\n    - name: hello\n      debug: { msg: hi }\n`,
    });
    const run = await runKbrun(['--output', 'json', '--log-file', project.path('logs/run.log'), '--log-dir', project.path('logs/batches'), '-i', project.path('inventory.yml'), project.path('site.yml')]);
    expect(run.code).toBe(0);
    const log = readFileSync(project.path('logs/run.log'), 'utf8');
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z TASK \[hello\]/m);
    expect(log).toMatch(/Z h1 +: ok=1/);
    expect(readdirSync(project.path('logs/batches')).sort()).toEqual(['batch-1-complete.log', 'batch-2-complete.log']);
    const batch = readFileSync(project.path('logs/batches/batch-2-complete.log'), 'utf8');
    expect(batch).toMatch(/^Batch 2 - COMPLETED\n=+\nTimestamp: \S+\nPlay: nodes \(batch 2 of 2\)\nServers: \["h2"\]\nStatus: all hosts succeeded\n=+\n/);
    expect(batch).toContain('ok: [h2]');
    expect(batch).not.toContain('[h1]');
  });
});

describe('includes and imports', () => {
  it('an error in an imported file is reported at its own file:line:col before anything runs', async () => {
    project = tempProject({
      'tasks/bad.yml': '- name: fine\n  debug: { msg: hi }\n- name: typo\n  debug: { mgs: hi }\n',
      'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - copy: { content: x, dest: "{{ playbook_dir }}/ran.txt" }\n    - import_tasks: tasks/bad.yml\n`,
    });
    const run = await runKbrun([project.path('site.yml')]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`${project.path('tasks/bad.yml')}:4:12: E_SCHEMA unknown argument 'mgs' for module 'debug'. Did you mean 'msg'?`);
    expect(existsSync(project.path('ran.txt'))).toBe(false);
  });
});

describe('configuration', () => {
  it('reads kbrun.config.yaml; KBRUN_* variables win over it and flags over both; kbrun config tells where each value comes from', async () => {
    project = tempProject({
      'kbrun.config.yaml': 'forks: 7\ninventory: [inventory.yml]\noutput: json\n',
      'inventory.yml': localInventory(2),
      'site.yml': `- hosts: nodes\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n`,
    });
    const run = await runKbrun(['site.yml'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(Object.keys(recapOf(run.stdout)).sort()).toEqual(['h1', 'h2']);
    const shown = await runKbrun(['config', '--output', 'text'], { cwd: project.dir, env: { KBRUN_FORKS: '9' } });
    expect(shown.stdout).toMatch(/forks = 9 +# env KBRUN_FORKS/);
    expect(shown.stdout).toMatch(/output = "?text"? +# flag --output/);
    expect(shown.stdout).toMatch(/inventory = .*inventory\.yml.* +# .*kbrun\.config\.yaml:2:/);
    writeFileSync(project.path('kbrun.config.yaml'), 'forkz: 7\n');
    const bad = await runKbrun(['site.yml'], { cwd: project.dir });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain("kbrun.config.yaml:1:1: E_CONFIG");
    expect(bad.stderr).toContain("Did you mean 'forks'?");
  });

  it('gives playbooks var_dir as kbrun_var_dir (KBRUN_VAR_DIR, kbrun.config.yaml), -e winning', async () => {
    project = tempProject({ 'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: base\n      debug: { msg: "{{ kbrun_var_dir }}" }\n` });
    const fromEnv = await runKbrun(['--output', 'json', project.path('site.yml')], { cwd: project.dir, env: { KBRUN_VAR_DIR: '/srv/kbrun' } });
    expect(msgs(fromEnv.stdout, 'base')).toEqual({ localhost: '/srv/kbrun' });
    const fromFlag = await runKbrun(['--output', 'json', '-e', 'kbrun_var_dir=/tmp/x', project.path('site.yml')], { cwd: project.dir, env: { KBRUN_VAR_DIR: '/srv/kbrun' } });
    expect(msgs(fromFlag.stdout, 'base')).toEqual({ localhost: '/tmp/x' });
  });
});
