import { afterEach, describe, expect, it } from 'vitest';
import { events, runKbrun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

let project: TempProject;
afterEach(() => project?.cleanup());

function debugMsgs(stdout: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of events(stdout)) {
    if (e['type'] === 'host_result' && e['item'] === undefined) out[`${e['task']}@${e['host']}`] = (e['result'] as Record<string, unknown>)['msg'];
  }
  return out;
}

// Each level sets `v` and a variable of its own name; the play prints who won at each point.
const precedenceInventory = `all:
  vars: { ansible_connection: local, v: all, level_all: 1 }
  children:
    parent:
      vars: { v: parent, level_parent: 1 }
      children:
        child:
          vars: { v: child }
          hosts:
            h1: { v: host }
            h2: {}
`;

describe('variable precedence (documented in docs/variables.md)', () => {
  it('follows Ansible order from inventory to extra vars', async () => {
    project = tempProject({
      'inventory/hosts.yml': precedenceInventory,
      'inventory/group_vars/child.yml': 'from_group_file: yes\n',
      'inventory/host_vars/h2.yml': 'v: host_file\n',
      'vars/extra.yml': 'w: vars_file\n',
      'site.yml': `- hosts: all
  gather_facts: false
  vars: { w: play, x: play }
  vars_files: [vars/extra.yml]
  tasks:
    - name: inventory
      debug: { msg: "{{ v }}" }
    - name: group file
      debug: { msg: "{{ from_group_file }}" }
    - name: vars_files over play vars
      debug: { msg: "{{ w }}" }
    - name: task vars over play vars
      debug: { msg: "{{ x }}" }
      vars: { x: task }
    - set_fact: { x: fact }
    - name: set_fact over task vars
      debug: { msg: "{{ x }}" }
      vars: { x: task }
    - name: extra vars over everything
      debug: { msg: "{{ y }}" }
      vars: { y: task }
`,
    });
    const run = await runKbrun(['--output', 'json', '-i', project.path('inventory/hosts.yml'), '-e', 'y=extra', project.path('site.yml')]);
    expect(run.code).toBe(0);
    const msgs = debugMsgs(run.stdout);
    expect(msgs['inventory@h1']).toBe('host');
    expect(msgs['inventory@h2']).toBe('host_file');
    expect(msgs['group file@h1']).toBe(true);
    expect(msgs['vars_files over play vars@h1']).toBe('vars_file');
    expect(msgs['task vars over play vars@h1']).toBe('task');
    expect(msgs['set_fact over task vars@h1']).toBe('fact');
    expect(msgs['extra vars over everything@h1']).toBe('extra');
  });

  it('child groups win over parents, and parents over all', async () => {
    project = tempProject({
      'hosts.yml': precedenceInventory,
      'site.yml': `- hosts: h2\n  gather_facts: false\n  tasks:\n    - name: v\n      debug: { msg: "{{ v }} {{ level_all }} {{ level_parent }}" }\n`,
    });
    const run = await runKbrun(['--output', 'json', '-i', project.path('hosts.yml'), project.path('site.yml')]);
    expect(debugMsgs(run.stdout)['v@h2']).toBe('child 1 1');
  });

  it('reads -e as key=value, JSON and @file, later ones winning', async () => {
    project = tempProject({
      'more.yml': 'b: from_file\nc: [1, 2]\n',
      'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: all\n      debug: { msg: "{{ a }}/{{ b }}/{{ c }}/{{ d.k }}" }\n`,
    });
    const run = await runKbrun(['--output', 'json', '-e', 'a=1 b=kv', '-e', `@${project.path('more.yml')}`, '-e', '{"d": {"k": true}}', project.path('site.yml')]);
    expect(run.code).toBe(0);
    expect(debugMsgs(run.stdout)['all@localhost']).toBe('1/from_file/[1, 2]/True');
  });
});

describe('magic variables and templates', () => {
  it('provides inventory_hostname, groups, hostvars, ansible_play_hosts, ansible_check_mode and omit', async () => {
    project = tempProject({
      'hosts.yml': 'all:\n  vars: { ansible_connection: local }\n  children:\n    web:\n      hosts:\n        w1: { port: 81 }\n        w2: { port: 82 }\n',
      'site.yml': `- hosts: web
  gather_facts: false
  tasks:
    - name: me
      debug: { msg: "{{ inventory_hostname }}" }
    - name: groups
      debug: { msg: "{{ groups.web }}" }
    - name: other
      debug: { msg: "{{ hostvars.w2.port }}" }
    - name: play hosts
      debug: { msg: "{{ ansible_play_hosts }}" }
    - name: check
      debug: { msg: "{{ ansible_check_mode }}" }
    - name: omitted
      file: { path: "{{ playbook_dir }}/d-{{ inventory_hostname }}", state: directory, mode: "{{ omit }}" }
`,
    });
    const run = await runKbrun(['--output', 'json', '-i', project.path('hosts.yml'), project.path('site.yml')]);
    expect(run.code).toBe(0);
    const msgs = debugMsgs(run.stdout);
    expect(msgs['me@w1']).toBe('w1');
    expect(msgs['groups@w1']).toEqual(['w1', 'w2']);
    // a debug message shows a lone expression's number as text, as Ansible does (typed module arguments keep it a number)
    expect(msgs['other@w1']).toBe('82');
    expect(msgs['play hosts@w2']).toEqual(['w1', 'w2']);
    expect(msgs['check@w1']).toBe(false);
  });

  it('keeps native types for a single {{ expr }}, renders lazily, and reads Ansible expressions', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost
  gather_facts: false
  vars:
    base: /opt
    app: "{{ base }}/app"
    ports: [80, 443]
    count: "{{ ports | length }}"
  tasks:
    - name: list
      debug: { msg: "{{ ports }}" }
    - name: nested
      debug: { msg: "{{ app }}" }
    - name: jinja
      debug: { msg: "{{ count }}" }
    - name: helper
      debug: { msg: "{{default missing 'fallback'}} {{upper base}}" }
    - name: each
      debug: { msg: "{{#each ports}}[{{this}}]{{/each}}" }
`,
    });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(run.code).toBe(0);
    const msgs = debugMsgs(run.stdout);
    expect(msgs['list@localhost']).toEqual([80, 443]);
    expect(msgs['nested@localhost']).toBe('/opt/app');
    expect(msgs['jinja@localhost']).toBe(2);
    expect(msgs['helper@localhost']).toBe('fallback /OPT');
    expect(msgs['each@localhost']).toBe('[80][443]');
  });

  it('fails the task on an undefined variable, naming it and the task location', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: broken\n      debug:\n        msg: "port {{ server.port }}"\n`,
    });
    const run = await runKbrun([project.path('site.yml')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("E_UNDEFINED_VAR 'server' is undefined");
    expect(run.stdout).toContain(`${project.path('site.yml')}:6:14`);
  });
});

describe('role idioms as in Ansible (issue 11)', () => {
  it('templates include_vars values on use, shows roles\' vars and defaults to the play, and has vars, ansible_version and Ansible\'s debug text', async () => {
    project = tempProject({
      'roles/app/defaults/main.yml': 'app_port: 8080\napp_name: web\n',
      'roles/app/vars/main.yml': 'app_service: "{{ app_name }}.service"\n',
      'roles/app/vars/extra.yml': 'app_included: "from {{ app_name }}"\n',
      'roles/app/tasks/main.yml': '- include_vars: extra.yml\n',
      'site.yml': `- hosts: localhost
  gather_facts: false
  roles:
    - role: app
      vars: { app_entry: entry }
  tasks:
    - name: included
      debug: { msg: "{{ app_included }}" }
    - name: role vars and defaults after the role
      debug: { msg: "{{ app_service }} {{ app_port }} {{ app_entry }}" }
    - name: vars
      debug: { msg: "{{ vars['app_' ~ 'name'] }} {{ 'app_port' in vars }}" }
    - name: version
      debug: { msg: "{{ ansible_version.major }}.{{ ansible_version.minor }} {{ ansible_version.full is version('2.9', '>=') }}" }
    - name: lone number
      debug: { msg: "{{ app_port + 1 }}" }
    - name: lone variable
      debug: { msg: "{{ app_port }}" }
    - name: var form
      debug: { var: app_port * 2 }
`,
    });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(run.code).toBe(0);
    const msgs = debugMsgs(run.stdout);
    expect(msgs['included@localhost']).toBe('from web');
    expect(msgs['role vars and defaults after the role@localhost']).toBe('web.service 8080 entry');
    expect(msgs['vars@localhost']).toBe('web True');
    expect(msgs['version@localhost']).toBe('2.14 True');
    // Ansible 2.14 shows a lone expression's number as text, a bare variable's with its type
    expect(msgs['lone number@localhost']).toBe('8081');
    expect(msgs['lone variable@localhost']).toBe(8080);
    const varForm = events(run.stdout).find((e) => e['type'] === 'host_result' && e['task'] === 'var form');
    expect((varForm?.['result'] as Record<string, unknown>)['app_port * 2']).toBe('16160');
  });
});
