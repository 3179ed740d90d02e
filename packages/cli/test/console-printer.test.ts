import type { KbrunEvent, TaskInfo } from '@kbrun/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsolePrinter, type ConsoleOptions } from '../src/console-printer.js';

const task: TaskInfo = { id: 1, name: 'Install things', action: 'copy', location: undefined, noLog: false };
const debugTask: TaskInfo = { ...task, id: 2, name: 'Show', action: 'debug' };

/** A printer writing into `chunks`; `text()` is everything written. */
function printer(options: Partial<ConsoleOptions> = {}) {
  const chunks: string[] = [];
  const p = new ConsolePrinter({ write: (t) => chunks.push(t), color: false, tty: false, verbosity: 0, ...options });
  const emit = (...events: KbrunEvent[]) => events.forEach((e) => p.onEvent(e));
  return { chunks, emit, text: () => chunks.join(''), lines: () => chunks.join('').split('\n') };
}

const result = (host: string, status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable', res: Record<string, unknown> = {}, extra: object = {}): KbrunEvent => ({
  type: 'host_result',
  task,
  host,
  status,
  result: res,
  ...extra,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('ConsolePrinter', () => {
  it('pads banners with * to 80 columns', () => {
    const { emit, text } = printer();
    emit({ type: 'play_start', name: 'x', pattern: 'all', hosts: ['h'] }, { type: 'task_start', task });
    const [, play, , taskLine] = text().split('\n');
    expect(play).toBe(`PLAY [x] ${'*'.repeat(71)}`);
    expect(taskLine).toMatch(/^TASK \[Install things\] \*+$/);
    expect(taskLine).toHaveLength(80);
  });

  it.each<[string, KbrunEvent, string[]]>([
    ['ok', result('h', 'ok'), ['ok: [h]']],
    ['changed item', result('h', 'changed', {}, { item: 'a', label: 'a' }), ['changed: [h] => (item=a)']],
    ['changed item with a label', result('h', 'changed', {}, { item: { n: 1 }, label: 'one' }), ['changed: [h] => (item=one)']],
    ['failed (no status key, as Ansible)', result('h', 'failed', { msg: 'boom', changed: false, failed: true }), ['fatal: [h]: FAILED! => {"changed": false, "msg": "boom"}']],
    ['ignored failure', result('h', 'failed', { changed: false, msg: 'boom' }, { ignored: true }), ['fatal: [h]: FAILED! => {"changed": false, "msg": "boom"}', '...ignoring']],
    ['failed item, with its loop variable', result('h', 'failed', { msg: 'no', failed: true, b: { k: 1 }, ansible_loop_var: 'b' }, { item: { k: 1 }, label: "{'k': 1}" }), [`failed: [h] (item={'k': 1}) => {"ansible_loop_var": "b", "b": {"k": 1}, "msg": "no"}`]],
    ['skipped', result('h', 'skipped', { skipped: true }), ['skipping: [h]']],
    ['skipped item (a space after it, as Ansible)', result('h', 'skipped', { skipped: true, item: 'a', ansible_loop_var: 'item' }, { item: 'a', label: 'a' }), ['skipping: [h] => (item=a) ']],
    ['unreachable', result('h', 'unreachable', { unreachable: true, msg: 'ssh: refused', changed: false }), ['fatal: [h]: UNREACHABLE! => {"changed": false, "msg": "ssh: refused", "unreachable": true}']],
    ['debug: its msg alone', { type: 'host_result', task: debugTask, host: 'h', status: 'ok', result: { changed: false, msg: 'hi', n: [1] } }, ['ok: [h] => {', '    "msg": "hi"', '}']],
    ['debug var: the variable', { type: 'host_result', task: debugTask, host: 'h', status: 'ok', result: { changed: false, 'x.y': [1] } }, ['ok: [h] => {', '    "x.y": [', '        1', '    ]', '}']],
    [
      'debug msg in a loop with loop_var and a label: the msg, not the loop variable',
      { type: 'host_result', task: debugTask, host: 'h', status: 'ok', item: { batch: 1, servers: ['a'] }, label: 'batch 1', result: { changed: false, msg: 'plan', batch: { batch: 1, servers: ['a'] }, ansible_loop_var: 'batch' } },
      ['ok: [h] => (item=batch 1) => {', '    "msg": "plan"', '}'],
    ],
    [
      'debug var in a loop: the variable and the loop variables',
      { type: 'host_result', task: debugTask, host: 'h', status: 'ok', item: 1, label: '1', result: { changed: false, 'b + 1': 2, b: 1, ansible_loop_var: 'b' } },
      ['ok: [h] => (item=1) => {', '    "ansible_loop_var": "b",', '    "b": 1,', '    "b + 1": 2', '}'],
    ],
    ['a loop whose items all went well: nothing more', result('h', 'changed', { changed: true, msg: 'All items completed', results: [{ changed: true }] }, { loop: true }), []],
    ['a loop whose items were all skipped', result('h', 'skipped', { changed: false, skipped: true, msg: 'All items skipped', results: [{ skipped: true }] }, { loop: true }), ['skipping: [h]']],
    ['a loop with an ignored failed item', result('h', 'failed', { failed: true, msg: 'One or more items failed', results: [{ failed: true }] }, { loop: true, ignored: true }), ['...ignoring']],
    ['a no_log loop (its result is censored)', result('h', 'changed', { censored: 'hidden', changed: true }, { loop: true }), ['changed: [h]']],
    ['an include in a loop', { type: 'included', task, file: 'tasks/x.yml', hosts: ['h1', 'h2'], label: 'batch 1' }, ['included: tasks/x.yml for h1, h2 => (item=batch 1)']],
    ['retry', { type: 'retry', task, host: 'h', attempt: 1, of: 3, delayMs: 10, result: {} }, ['FAILED - RETRYING: [h]: Install things (2 retries left).']],
  ])('prints %s as ansible-playbook does', (_, event, expected) => {
    const { emit, lines } = printer();
    emit(event);
    expect(lines()).toEqual([...expected, '']);
  });

  it('shows results with -v', () => {
    const { emit, lines } = printer({ verbosity: 1 });
    emit(result('h', 'ok', { changed: false, rc: 0 }));
    expect(lines()[0]).toBe('ok: [h] => {"changed": false, "rc": 0}');
  });

  it.each<[string, KbrunEvent, string]>([
    ['an item, with the loop variable', result('h', 'ok', { changed: false, rc: 0, b: 'x', ansible_loop_var: 'b', _ansible_no_log: false }, { item: 'x', label: 'x' }), 'ok: [h] => (item=x) => {"ansible_loop_var": "b", "b": "x", "changed": false, "rc": 0}'],
    ['a skipped item (two spaces, as Ansible)', result('h', 'skipped', { changed: false, skipped: true, skip_reason: 'Conditional result was False', item: 1, ansible_loop_var: 'item' }, { item: 1, label: '1' }), 'skipping: [h] => (item=1)  => {"ansible_loop_var": "item", "changed": false, "item": 1, "skip_reason": "Conditional result was False"}'],
    ['a loop whose items were all skipped', result('h', 'skipped', { changed: false, skipped: true, msg: 'All items skipped', results: [{}] }, { loop: true }), 'skipping: [h] => {"changed": false, "msg": "All items skipped"}'],
    ['a plain skip', result('h', 'skipped', { changed: false, skipped: true, skip_reason: 'Conditional result was False' }), 'skipping: [h] => {"changed": false, "skip_reason": "Conditional result was False"}'],
  ])('shows %s with -v as ansible-playbook -v does', (_, event, expected) => {
    const { emit, lines } = printer({ verbosity: 1 });
    emit(event);
    expect(lines()).toEqual([expected, '']);
  });

  it('prints the recap in ansible-playbook layout', () => {
    const { emit, lines } = printer();
    const zero = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
    emit({ type: 'recap', hosts: { h: { ...zero, ok: 1 }, 'web01.example.com': { ...zero, ok: 12, changed: 3, failed: 1 } } });
    expect(lines()).toEqual([
      '',
      `PLAY RECAP ${'*'.repeat(69)}`,
      'h                          : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ',
      'web01.example.com          : ok=12   changed=3    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   ',
      '',
      '',
    ]);
  });

  const diffEvent = (headers: object = {}) => result('h', 'changed', { changed: true, diff: { before: 'a\nb\n', after: 'a\nc\n', ...headers } });

  it('prints a unified diff before the changed line', () => {
    const { emit, lines } = printer();
    emit(diffEvent());
    const out = lines();
    expect(out.slice(out.indexOf('@@ -1,2 +1,2 @@'))).toEqual(['@@ -1,2 +1,2 @@', ' a', '-b', '+c', 'changed: [h]', '']);
    expect(out.some((l) => l.startsWith('--- ')) && out.some((l) => l.startsWith('+++ '))).toBe(true);
  });

  it('prints diff headers as Ansible does', () => {
    const { emit, lines } = printer();
    emit(diffEvent({ before_header: '/etc/app.conf', after_header: '/etc/app.conf' }));
    expect(lines().slice(0, 3)).toEqual(['--- before: /etc/app.conf', '+++ after: /etc/app.conf', '@@ -1,2 +1,2 @@']);
  });

  it('prints plain before/after headers without a header in the diff', () => {
    const { emit, lines } = printer();
    emit(diffEvent());
    expect(lines().slice(0, 3)).toEqual(['--- before', '+++ after', '@@ -1,2 +1,2 @@']);
  });

  const progress = (elapsedMs: number): KbrunEvent => ({ type: 'progress', task, running: ['h1', 'h2'], elapsedMs });

  it('prints progress at most once per 30 s without a terminal', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    vi.advanceTimersByTime(60_000);
    const { emit, lines } = printer({ tty: false });
    emit(progress(5_000));
    vi.advanceTimersByTime(1_000);
    emit(progress(6_000));
    expect(lines()).toEqual(['  … Install things: waiting on h1, h2 (5s)', '']);
    vi.advanceTimersByTime(30_000);
    emit(progress(36_000));
    expect(lines()).toHaveLength(3);
  });

  it('keeps a live status line on a terminal and clears it before the next line', () => {
    const { emit, chunks } = printer({ tty: true });
    emit(progress(5_000), progress(6_000), result('h1', 'ok'));
    expect(chunks).toEqual([
      '\r\x1b[2K  … Install things: waiting on h1, h2 (5s)',
      '\r\x1b[2K  … Install things: waiting on h1, h2 (6s)',
      '\r\x1b[2K',
      'ok: [h1]\n',
    ]);
  });

  it('colours output when asked', () => {
    const coloured = printer({ color: true });
    coloured.emit(result('h', 'ok'));
    expect(coloured.text()).toMatch(/\x1b\[\d+m/);
    const plain = printer({ color: false });
    plain.emit(result('h', 'ok'));
    expect(plain.text()).not.toMatch(/\x1b/);
  });
});
