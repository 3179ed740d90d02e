import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, runKbrun } from './helpers/run-kbrun.js';

// Lookups end to end through the kbrun binary: secrets they produce stay out of every output, `url` goes through the
// guarded dialer only, and with_<lookup> keywords are checked when the playbook loads.

/** A directory holding a playbook (and no kbrun.config.yaml, so the repository's settings do not apply). */
function playbookDir(yaml: string): { dir: string; playbook: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kbrun-lookups-'));
  writeFileSync(join(dir, 'site.yml'), yaml);
  return { dir, playbook: join(dir, 'site.yml') };
}

function debugMessages(stdout: string): unknown[] {
  return events(stdout)
    .filter((e) => e['type'] === 'host_result')
    .map((e) => (e['result'] as Record<string, unknown>)['msg']);
}

describe('password, file and unvault values are secrets where Ansible would hide them', () => {
  const { dir, playbook } = playbookDir(`
- hosts: localhost
  gather_facts: false
  vars:
    db_password: "{{ lookup('password', playbook_dir ~ '/credentials/db length=24 chars=ascii_letters') }}"
  tasks:
    - name: a secret-named variable
      debug: { msg: "db is {{ db_password }}" }
    - name: a no_log task
      set_fact: { plain_value: "{{ lookup('password', playbook_dir ~ '/credentials/app length=24 chars=ascii_letters') }}" }
      no_log: true
    - name: the no_log value used later
      debug: { msg: "app is {{ plain_value }}" }
    - name: a password outside no_log and secret names is shown, as in Ansible
      debug: { msg: "shown {{ lookup('password', playbook_dir ~ '/credentials/shown length=24 chars=ascii_letters') }}" }
`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates each password once, reads it back, and never prints a secret one (text or JSON)', async () => {
    const first = await runKbrun([playbook], { cwd: dir });
    expect(first.code).toBe(0);
    const db = readFileSync(join(dir, 'credentials/db'), 'utf8').trim();
    const app = readFileSync(join(dir, 'credentials/app'), 'utf8').trim();
    const shown = readFileSync(join(dir, 'credentials/shown'), 'utf8').trim();
    expect(db).toMatch(/^[A-Za-z]{24}$/);
    expect(first.stdout).not.toContain(db);
    expect(first.stdout).not.toContain(app);
    expect(first.stdout).toContain('db is ********');
    expect(first.stdout).toContain('app is ********');
    expect(first.stdout).toContain(`shown ${shown}`);

    const again = await runKbrun(['--output', 'json', playbook], { cwd: dir });
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'credentials/db'), 'utf8').trim()).toBe(db);
    expect(again.stdout).not.toContain(db);
    expect(again.stdout).not.toContain(app);
    expect(debugMessages(again.stdout)).toEqual(['db is ********', undefined, 'app is ********', `shown ${shown}`]);
  });
});

describe('the url lookup', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/lines' });
        return res.end();
      }
      if (req.url === '/missing') {
        res.writeHead(404);
        return res.end('no');
      }
      res.setHeader('content-type', 'text/plain');
      res.end(`first ${req.headers['user-agent']}\nsecond ${req.headers['x-test'] ?? ''}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches from a loopback server through the guarded dialer, split in lines or whole, following redirects', async () => {
    const { dir, playbook } = playbookDir(`
- hosts: localhost
  gather_facts: false
  tasks:
    - debug: { msg: "{{ query('url', '${base}/lines', headers={'x-test': 'yes'}) }}" }
    - debug: { msg: "{{ lookup('url', '${base}/lines', split_lines=False) }}" }
    - debug: { msg: "{{ lookup('url', '${base}/redirect') }}" }
    - debug: { msg: "{{ lookup('url', '${base}/missing', errors='ignore') is none }}" }
`);
    try {
      const run = await runKbrun(['--output', 'json', playbook], { cwd: dir });
      expect(run.code).toBe(0);
      expect(debugMessages(run.stdout)).toEqual([['first ansible-httpget', 'second yes'], 'first ansible-httpget\nsecond \n', 'first ansible-httpget,second ', true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused for any address outside loopback, whatever errors= says', async () => {
    const { dir, playbook } = playbookDir(`
- hosts: localhost
  gather_facts: false
  tasks:
    - debug: { msg: "{{ lookup('url', 'http://10.255.255.1/x', errors='ignore') }}" }
      ignore_errors: true
    - debug: { msg: "{{ lookup('url', 'https://example.com/') }}" }
`);
    try {
      const run = await runKbrun(['--output', 'json', playbook], { cwd: dir });
      const [address, name] = debugMessages(run.stdout) as string[];
      expect(address).toContain('E_NET_GUARD');
      expect(address).toContain('refusing to connect to address 10.255.255.1: loopback-only mode allows only 127.0.0.0/8 and ::1');
      expect(name).toContain("refusing to connect to host name 'example.com'");
      expect(run.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('with_<lookup> keywords', () => {
  it('are checked when the playbook loads', async () => {
    const { dir, playbook } = playbookDir(`
- hosts: localhost
  gather_facts: false
  tasks:
    - debug: { msg: "{{ item }}" }
      loop: [1]
      with_items: [2]
    - debug: { msg: "{{ item }}" }
      with_config: [DEFAULT_FORKS]
`);
    try {
      const run = await runKbrun([playbook], { cwd: dir });
      expect(run.code).toBe(4);
      expect(run.stderr).toContain("E_PLAYBOOK_SHAPE a task loops once: 'loop' and 'with_items' are both given");
      expect(run.stderr).toContain("the task keyword 'with_config' is not supported by kbrun: kbrun's settings are not Ansible's configuration");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("give their items as plain lists, as Ansible's loops do (a lookup's tuples become lists) (issue 11)", async () => {
    const { dir, playbook } = playbookDir(`
- hosts: localhost
  gather_facts: false
  vars:
    users: [{ name: a, keys: [k1] }]
  tasks:
    - debug: { msg: "{{ item }} {{ item | type_debug }}" }
      with_indexed_items: [x]
    - debug: { msg: "{{ item }}" }
      with_subelements: ["{{ users }}", keys]
`);
    try {
      const run = await runKbrun(['--output', 'json', playbook], { cwd: dir });
      expect(run.code).toBe(0);
      const items = events(run.stdout).filter((e) => e['type'] === 'host_result' && e['item'] !== undefined).map((e) => (e['result'] as Record<string, unknown>)['msg']);
      expect(items).toEqual(["[0, 'x'] list", [{ name: 'a' }, 'k1']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
