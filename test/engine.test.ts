import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { events, recapOf, runKbrun } from './helpers/run-kbrun.js';
import { localInventory } from './helpers/local-inventory.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

let project: TempProject;
afterEach(() => project?.cleanup());

function results(stdout: string, task: string): Array<Record<string, unknown>> {
  return events(stdout).filter((e) => e['type'] === 'host_result' && e['task'] === task);
}

function registered(stdout: string, task: string, host = 'localhost'): Record<string, unknown> {
  const found = results(stdout, task).find((e) => e['host'] === host && e['item'] === undefined);
  if (!found) throw new Error(`no result for ${task} on ${host}`);
  return found['result'] as Record<string, unknown>;
}

describe('loops, register and conditions', () => {
  it('runs a loop with when per item, loop_control and ansible_loop, and registers results', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - name: loop
      command: echo {{ it.name }}-{{ idx }}-{{ ansible_loop.length }}
      loop: [{ name: a, enabled: true }, { name: b, enabled: false }, { name: c, enabled: true }]
      loop_control: { loop_var: it, index_var: idx, label: "{{ it.name }}" }
      when: it.enabled
      register: out
    - name: show
      debug: { var: "out.results | map(attribute='stdout') | select('defined') | list" }
`,
    });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(run.code).toBe(0);
    const items = results(run.stdout, 'loop').filter((e) => e['item'] !== undefined);
    expect(items.map((e) => [e['label'], e['status']])).toEqual([
      ['a', 'changed'],
      ['b', 'skipped'],
      ['c', 'changed'],
    ]);
    const out = registered(run.stdout, 'loop');
    expect(out['changed']).toBe(true);
    expect(out['msg']).toBe('All items completed');
    const list = out['results'] as Array<Record<string, unknown>>;
    expect(list.map((r) => r['stdout'])).toEqual(['a-0-3', undefined, 'c-2-3']);
    expect(list[1]).toMatchObject({ skipped: true, skip_reason: 'Conditional result was False', ansible_loop_var: 'it', idx: 1 });
    expect(registered(run.stdout, 'show')["out.results | map(attribute='stdout') | select('defined') | list"]).toEqual(['a-0-3', 'c-2-3']);
    expect(recapOf(run.stdout)['localhost']).toMatchObject({ ok: 2, changed: 1, skipped: 0, failed: 0 });
  });

  it('retries with until, counting attempts as Ansible does', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - name: eventually
      shell: n=$(cat {{ playbook_dir }}/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > {{ playbook_dir }}/n; echo $n
      register: r
      until: r.stdout | int >= 3
      retries: 5
      delay: 0
    - name: never
      command: "false"
      register: f
      until: f.rc == 0
      retries: 2
      delay: 0
      ignore_errors: true
`,
    });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(run.code).toBe(0);
    expect(registered(run.stdout, 'eventually')).toMatchObject({ attempts: 3, stdout: '3', failed: false });
    const retries = events(run.stdout).filter((e) => e['type'] === 'retry' && e['task'] === 'never');
    expect(retries.map((e) => [e['attempt'], e['of']])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(registered(run.stdout, 'never')).toMatchObject({ attempts: 2, failed: true, rc: 1 });
    expect(recapOf(run.stdout)['localhost']).toMatchObject({ ok: 2, changed: 2, failed: 0, ignored: 1 });
  });

  it('applies failed_when and changed_when, and ignore_errors counts as ok and ignored', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - name: tolerated
      shell: echo 'already exists' >&2; exit 3
      register: r
      failed_when: r.rc != 0 and 'already exists' not in r.stderr
      changed_when: false
    - name: forced failure
      command: "true"
      failed_when: true
      ignore_errors: true
    - name: after
      debug: { msg: "{{ r.rc }}" }
`,
    });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(run.code).toBe(0);
    expect(registered(run.stdout, 'tolerated')).toMatchObject({ rc: 3, failed: false, changed: false, failed_when_result: false });
    expect(registered(run.stdout, 'after')['msg']).toBe('3'); // as Ansible shows it: a lone expression's number as text
    expect(recapOf(run.stdout)['localhost']).toEqual({ ok: 3, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 });
  });
});

describe('task keywords', () => {
  it('passes environment, loads include_vars, flattens with_items and pauses between items', async () => {
    project = tempProject({
      'vars/extra.yml': 'region: nbg1\n',
      'site.yml': `- hosts: localhost
  gather_facts: false
  environment: { PLAY_LEVEL: play }
  tasks:
    - name: env
      shell: echo $PLAY_LEVEL-$TASK_LEVEL
      environment: { TASK_LEVEL: "{{ 'task' }}" }
      register: env
    - include_vars: vars/extra.yml
    - name: included
      debug: { msg: "{{ region }}" }
    - name: items
      debug: { msg: "{{ item }}" }
      with_items: [[a, b], c]
    - name: paced
      command: date +%s%N
      loop: [1, 2]
      loop_control: { pause: 0.4 }
      register: paced
`,
    });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(run.code).toBe(0);
    expect(registered(run.stdout, 'env')['stdout']).toBe('play-task');
    expect(registered(run.stdout, 'included')['msg']).toBe('nbg1');
    expect(results(run.stdout, 'items').filter((e) => e['item'] !== undefined).map((e) => e['item'])).toEqual(['a', 'b', 'c']);
    const [first, second] = (registered(run.stdout, 'paced')['results'] as Array<Record<string, string>>).map((r) => BigInt(r['stdout']!));
    expect(Number((second! - first!) / 1_000_000n)).toBeGreaterThanOrEqual(380);
  });

  it('--task-timeout stops a task that sets no timeout of its own', async () => {
    project = tempProject({ 'site.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: long\n      command: sleep 30\n' });
    const started = performance.now();
    const run = await runKbrun(['--output', 'json', '--task-timeout', '1', project.path('site.yml')]);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(2);
    expect((results(run.stdout, 'long')[0]?.['result'] as Record<string, unknown>)['msg']).toBe('The task timed out after 1 seconds');
  });
});

describe('hosts, failures and strategies', () => {
  it('stops a failed host and lets the others go on (exit code 2)', async () => {
    project = tempProject({
      'inventory.yml': localInventory(3),
      'site.yml': `- hosts: nodes
  gather_facts: false
  tasks:
    - name: first
      command: "{{ 'false' if inventory_hostname == 'h2' else 'true' }}"
    - name: second
      debug: { msg: "{{ ansible_play_hosts }}" }
`,
    });
    const run = await runKbrun(['--output', 'json', '-i', project.path('inventory.yml'), project.path('site.yml')]);
    expect(run.code).toBe(2);
    const second = results(run.stdout, 'second');
    expect(second.map((e) => e['host']).sort()).toEqual(['h1', 'h3']);
    expect((second[0]!['result'] as Record<string, unknown>)['msg']).toEqual(['h1', 'h3']);
    const recap = recapOf(run.stdout);
    expect(recap['h2']).toMatchObject({ ok: 0, failed: 1 });
    expect(recap['h1']).toMatchObject({ ok: 2, changed: 1, failed: 0 });
  });

  it('counts an unreachable host apart from failed ones (exit code 4)', async () => {
    project = tempProject({
      'inventory.yml': `all:\n  hosts:\n    up: { ansible_connection: local }\n    down: { ansible_connection: ssh, ansible_host: 127.0.0.1 }\n`,
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n    - debug: { msg: still here }\n`,
    });
    const run = await runKbrun(['--output', 'json', '-i', project.path('inventory.yml'), project.path('site.yml')]);
    expect(run.code).toBe(4);
    const recap = recapOf(run.stdout);
    expect(recap['down']).toMatchObject({ unreachable: 1, failed: 0, ok: 0 });
    expect(recap['up']).toMatchObject({ ok: 2, unreachable: 0 });
  });

  it('throttle keeps at most N hosts in a task whatever the forks', async () => {
    project = tempProject({
      'inventory.yml': localInventory(6),
      'site.yml': `- hosts: nodes
  gather_facts: false
  tasks:
    - name: timed
      shell: date +%s%N > {{ playbook_dir }}/t-{{ inventory_hostname }}; sleep 0.3; date +%s%N >> {{ playbook_dir }}/t-{{ inventory_hostname }}
      throttle: 2
`,
    });
    const run = await runKbrun(['--output', 'json', '-f', '50', '-i', project.path('inventory.yml'), project.path('site.yml')]);
    expect(run.code).toBe(0);
    const spans = readdirSync(project.dir)
      .filter((f) => f.startsWith('t-'))
      .map((f) => readFileSync(project.path(f), 'utf8').trim().split('\n').map(BigInt));
    expect(spans).toHaveLength(6);
    let maxOverlap = 0;
    for (const [start] of spans) maxOverlap = Math.max(maxOverlap, spans.filter(([s, e]) => s! <= start! && start! < e!).length);
    expect(maxOverlap).toBe(2);
  });

  it('linear finishes task N on every host before task N+1; free lets each host run ahead', async () => {
    const play = (strategy: string) => `- hosts: nodes
  gather_facts: false
  strategy: ${strategy}
  tasks:
    - name: one
      shell: "{{ 'sleep 0.6' if inventory_hostname == 'h1' else 'true' }}"
    - name: two
      command: "true"
`;
    project = tempProject({ 'inventory.yml': localInventory(2), 'linear.yml': play('linear'), 'free.yml': play('free') });
    const order = (stdout: string) => events(stdout).filter((e) => e['type'] === 'host_result').map((e) => `${e['task']}:${e['host']}`);
    const linear = await runKbrun(['--output', 'json', '-i', project.path('inventory.yml'), project.path('linear.yml')]);
    expect(order(linear.stdout).map((x) => x.split(':')[0])).toEqual(['one', 'one', 'two', 'two']);
    const free = await runKbrun(['--output', 'json', '-i', project.path('inventory.yml'), project.path('free.yml')]);
    expect(order(free.stdout).indexOf('two:h2')).toBeLessThan(order(free.stdout).indexOf('one:h1'));
  });

  it('--limit narrows the play with host patterns', async () => {
    project = tempProject({
      'inventory.yml': localInventory(5),
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n`,
    });
    const hostsFor = async (limit: string) => {
      const run = await runKbrun(['--output', 'json', '-i', project.path('inventory.yml'), '-l', limit, project.path('site.yml')]);
      return Object.keys(recapOf(run.stdout)).sort();
    };
    expect(await hostsFor('h1')).toEqual(['h1']);
    expect(await hostsFor('even')).toEqual(['h2', 'h4']);
    expect(await hostsFor('h[1-2]*')).toEqual(['h1', 'h2']);
    expect(await hostsFor('odd:even')).toEqual(['h1', 'h2', 'h3', 'h4', 'h5']);
    expect(await hostsFor('nodes:&odd')).toEqual(['h1', 'h3', 'h5']);
    expect(await hostsFor('nodes:!odd')).toEqual(['h2', 'h4']);
  });
});

describe('check mode and diff', () => {
  it('--check reports what would change and changes nothing; check_mode: false still runs', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - name: write
      copy: { content: "hello\\n", dest: "{{ playbook_dir }}/out.txt" }
    - name: cmd
      command: touch {{ playbook_dir }}/cmd.txt
    - name: real
      command: touch {{ playbook_dir }}/real.txt
      check_mode: false
    - name: mode
      debug: { msg: "{{ ansible_check_mode }}" }
    - name: web
      uri: { url: "http://127.0.0.1:9/" }
`,
    });
    const run = await runKbrun(['--output', 'json', '--check', project.path('site.yml')]);
    expect(run.code).toBe(0);
    expect(results(run.stdout, 'write')[0]!['status']).toBe('changed');
    expect(results(run.stdout, 'cmd')[0]!['status']).toBe('skipped');
    expect(results(run.stdout, 'web')[0]!['status']).toBe('skipped');
    expect(String((results(run.stdout, 'web')[0]!['result'] as Record<string, unknown>)['msg'])).toContain('does not support check mode');
    expect(registered(run.stdout, 'mode')['msg']).toBe(true);
    expect(existsSync(project.path('out.txt'))).toBe(false);
    expect(existsSync(project.path('cmd.txt'))).toBe(false);
    expect(existsSync(project.path('real.txt'))).toBe(true);
  });

  it('--diff shows a unified diff of a file change', async () => {
    project = tempProject({
      'old.txt': 'one\ntwo\n',
      'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - copy: { content: "one\\nthree\\n", dest: "{{ playbook_dir }}/old.txt" }\n`,
    });
    const run = await runKbrun(['--diff', '--check', project.path('site.yml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/-two\n\+three/);
    expect(readFileSync(project.path('old.txt'), 'utf8')).toBe('one\ntwo\n');
  });
});

describe('output', () => {
  it('prints Ansible-style banners, host lines and the recap', async () => {
    project = tempProject({
      'site.yml': `- name: demo\n  hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: greet\n      debug: { msg: hello }\n    - name: items\n      command: echo {{ item }}\n      loop: [a, b]\n    - name: skip\n      command: "true"\n      when: false\n`,
    });
    const run = await runKbrun([project.path('site.yml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PLAY [demo] ****');
    expect(run.stdout).toContain('TASK [greet] ****');
    expect(run.stdout).toContain('ok: [localhost] => {\n    "msg": "hello"\n}');
    expect(run.stdout).toContain('changed: [localhost] => (item=a)');
    expect(run.stdout).toContain('skipping: [localhost]');
    expect(run.stdout).toMatch(/localhost {18}: ok=2 {4}changed=1 {4}unreachable=0 {4}failed=0 {4}skipped=1 {4}rescued=0 {4}ignored=0/);
    expect(run.stdout).not.toMatch(/\x1b\[/);
  });

  it('hides no_log results everywhere', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost\n  gather_facts: false\n  vars: { api_token: s3cr3t-value }\n  tasks:\n    - name: secret\n      debug: { msg: "{{ api_token }}" }\n      no_log: true\n    - name: failing secret\n      shell: echo {{ api_token }} && false\n      no_log: true\n      ignore_errors: true\n`,
    });
    for (const args of [['--output', 'json', '-vvv'], ['-vvv']]) {
      const run = await runKbrun([...args, project.path('site.yml')]);
      expect(run.stdout + run.stderr).not.toContain('s3cr3t-value');
      expect(run.stdout).toContain("'no_log: true' was specified");
    }
  });

  it('shows live progress while a task waits, without flooding a log', async () => {
    project = tempProject({ 'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: wait a bit\n      pause: { seconds: 3 }\n` });
    const json = await runKbrun(['--output', 'json', project.path('site.yml')]);
    const progress = events(json.stdout).filter((e) => e['type'] === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatchObject({ task: 'wait a bit', running: ['localhost'] });
    const text = await runKbrun([project.path('site.yml')]);
    expect(text.stdout.match(/… wait a bit: waiting on localhost/g)).toHaveLength(1);
    expect(text.stdout).not.toContain('\r');
  });

  it('after the recap, names the files the run wrote under the var directory (kbrun_var_dir)', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - file: { path: "{{ kbrun_var_dir }}/{{ item }}", state: directory }
      loop: [logs/run, reports]
    - copy: { content: "{{ item }}\\n", dest: "{{ kbrun_var_dir }}/logs/run/batch-{{ item }}.log" }
      loop: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    - copy: { content: "{}\\n", dest: "{{ kbrun_var_dir }}/reports/final.json" }
`,
    });
    const text = await runKbrun(['-e', `kbrun_var_dir=${project.path('var')}`, project.path('site.yml')], { cwd: project.dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/PLAY RECAP[^]*\nWritten under var:\n {2}logs\/run\/ {2}batch-1\.log … batch-10\.log \(10 files\)\n {2}reports\/ {2}final\.json\n$/);
    // A second run writes nothing new (same content): nothing to name. JSON output stays pure NDJSON.
    const again = await runKbrun(['-e', `kbrun_var_dir=${project.path('var')}`, project.path('site.yml')], { cwd: project.dir });
    expect(again.stdout).not.toContain('Written under');
    const json = await runKbrun(['--output', 'json', '-e', `kbrun_var_dir=${project.path('var2')}`, project.path('site.yml')], { cwd: project.dir });
    expect(json.stdout).not.toContain('Written under');
  });

  it('-v shows results and -vvv the commands run', async () => {
    project = tempProject({ 'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: echo hi\n` });
    const quiet = await runKbrun([project.path('site.yml')]);
    expect(quiet.stdout).toMatch(/changed: \[localhost\]\n/);
    const v = await runKbrun(['-v', project.path('site.yml')]);
    expect(v.stdout).toContain('changed: [localhost] => {"changed": true, "cmd": ["echo", "hi"]');
    expect(v.stdout).not.toContain('<localhost>');
    const vvv = await runKbrun(['-vvv', project.path('site.yml')]);
    expect(vvv.stdout).toMatch(/<localhost> .*echo.*hi/);
  });
});
