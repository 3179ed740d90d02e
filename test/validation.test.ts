import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runKbrun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

// Every loading error is reported with file:line:col, the source line and a caret, and nothing runs.
let project: TempProject;
afterEach(() => project?.cleanup());

/** A playbook whose first task would create `ran.txt`; the faulty task comes after it. */
function playbookWith(faulty: string): string {
  return `- hosts: localhost
  gather_facts: false
  tasks:
    - name: would run first
      copy:
        content: ran
        dest: "{{ playbook_dir }}/ran.txt"
${faulty}`;
}

const cases: Array<{ title: string; task: string; line: number; col: number; message: RegExp; code: string }> = [
  {
    title: 'an unknown task keyword, with the nearest keyword suggested',
    task: `    - debug: { msg: hi }\n      whenn: true\n`,
    line: 9,
    col: 7,
    code: 'E_UNKNOWN_KEYWORD',
    message: /'whenn' is not a task keyword\. Did you mean 'when'\?/,
  },
  {
    title: 'an unknown module, with the nearest modules suggested',
    task: `    - name: typo\n      comand: echo hi\n`,
    line: 9,
    col: 7,
    code: 'E_UNKNOWN_MODULE',
    message: /unknown module 'comand'\. Did you mean 'command'/,
  },
  {
    title: 'a missing required argument',
    task: `    - name: no dest\n      copy:\n        content: x\n`,
    line: 9,
    col: 7,
    code: 'E_SCHEMA',
    message: /missing required argument 'dest' for module 'copy'/,
  },
  {
    title: 'an unknown argument, with the closest argument suggested',
    task: `    - name: typo in arg\n      copy:\n        contnet: x\n        dest: /tmp/x\n`,
    line: 10,
    col: 9,
    code: 'E_SCHEMA',
    message: /unknown argument 'contnet' for module 'copy'\. Did you mean 'content'\?/,
  },
  {
    title: 'a wrong argument type',
    task: `    - name: bad type\n      wait_for:\n        port: [22]\n`,
    line: 10,
    col: 15,
    code: 'E_SCHEMA',
    message: /argument 'port' of 'wait_for' must be integer; got a list/,
  },
  {
    title: 'a wrong keyword type',
    task: `    - debug: { msg: hi }\n      register: [a]\n`,
    line: 9,
    col: 17,
    code: 'E_KEYWORD_TYPE',
    message: /'register' must be string/,
  },
];

describe('validation before anything runs', () => {
  for (const c of cases) {
    it(`reports ${c.title}`, async () => {
      project = tempProject({ 'site.yml': playbookWith(c.task) });
      const run = await runKbrun([project.path('site.yml')]);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain(`${project.path('site.yml')}:${c.line}:${c.col}: ${c.code}`);
      expect(run.stderr).toMatch(c.message);
      expect(run.stderr).toMatch(/\n\d+ \| .*\n\s+\^+/);
      expect(existsSync(project.path('ran.txt'))).toBe(false);
    });
  }

  it('reports a YAML syntax error with its position and runs nothing', async () => {
    project = tempProject({ 'site.yml': playbookWith(`    - debug:\n        msg: "unclosed\n`) });
    const run = await runKbrun([project.path('site.yml')]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(new RegExp(`${project.path('site.yml')}:\\d+:\\d+: E_YAML_SYNTAX`));
    expect(existsSync(project.path('ran.txt'))).toBe(false);
  });

  it('collects every error of a playbook in one report', async () => {
    project = tempProject({ 'site.yml': playbookWith(`    - comand: x\n    - copy: { content: x }\n    - debug: { msg: hi }\n      whenn: true\n`) });
    const run = await runKbrun([project.path('site.yml')]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('E_UNKNOWN_MODULE');
    expect(run.stderr).toContain("missing required argument 'dest'");
    expect(run.stderr).toContain('E_UNKNOWN_KEYWORD');
  });

  it('validates templated arguments after templating, with the task location', async () => {
    project = tempProject({
      'site.yml': `- hosts: localhost\n  gather_facts: false\n  vars: { state: sideways }\n  tasks:\n    - file:\n        path: /tmp/kbrun-never\n        state: "{{ state }}"\n`,
    });
    const run = await runKbrun(['--output', 'json', project.path('site.yml')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("argument 'state' of 'file' must be one of");
    expect(run.stdout).toContain(`${project.path('site.yml')}:7:16`);
  });

  it('--syntax-check validates without running', async () => {
    project = tempProject({ 'site.yml': playbookWith('') });
    const ok = await runKbrun(['--syntax-check', project.path('site.yml')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`playbook: ${project.path('site.yml')}`);
    expect(existsSync(project.path('ran.txt'))).toBe(false);
    project.write('bad.yml', playbookWith(`    - debug: { msg: hi }\n      loopp: [1]\n`));
    const bad = await runKbrun(['--syntax-check', project.path('bad.yml')]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain("Did you mean 'loop'?");
  });

  it('refuses bad command-line options with exit code 5', async () => {
    const run = await runKbrun(['--frobnicate', 'x.yml']);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('E_CLI_OPTION');
    const forks = await runKbrun(['-f', 'many', 'x.yml']);
    expect(forks.code).toBe(5);
  });
});
