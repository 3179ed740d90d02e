import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configureSecrets, processSecrets } from '../../src/secrets/process-secrets.js';
import { fixtureDir, lookup, lookupEnv, query } from './lookup-env.js';

const dir = fixtureDir({
  'files/data.txt': '  first\nsecond  \n\n',
  'files/globbed/a.conf': '',
  'files/globbed/b.conf': '',
  'files/globbed/.hidden.conf': '',
  'files/globbed/c.txt': '',
  'files/globbed/dir.conf/keep': '',
  'beside.txt': 'beside the playbook\n',
  'roles/web/files/role.txt': 'from the role\n',
  'roles/web/tasks/main.yml': '',
  'templates/greeting.j2': 'hello {{ name }} from {{ template_path }}\n',
  'templates/loop.j2': '{% for x in ["a", "b"] %}{{ x }}{% if not loop.last %};{% endif %}{% endfor %}\n',
  'templates/delimited.j2': 'hello [% name %]\n',
});
const env = lookupEnv(dir, { vars: { name: 'world', inventory_hostname: 'web1' } });
const inRole = lookupEnv(dir, { searchPath: [join(dir, 'roles/web'), join(dir, 'roles/web/tasks'), dir] });

afterEach(() => configureSecrets({}));

describe('file', () => {
  it('reads files/ first, then beside the playbook; strips the end by default', () => {
    expect(lookup(env, 'file', ['data.txt'])).toBe('  first\nsecond');
    expect(lookup(env, 'file', ['data.txt'], { lstrip: true, rstrip: false })).toBe('first\nsecond  \n\n');
    expect(lookup(env, 'file', ['beside.txt'])).toBe('beside the playbook');
    expect(lookup(env, 'file', ['files/data.txt'])).toBe('  first\nsecond');
    expect(lookup(env, 'file', [join(dir, 'beside.txt')])).toBe('beside the playbook');
  });

  it("searches a role's files/ before the playbook's", () => {
    expect(lookup(inRole, 'file', ['role.txt'])).toBe('from the role');
    expect(lookup(inRole, 'file', ['data.txt'])).toBe('  first\nsecond');
  });

  it('says where it looked for a missing file', () => {
    expect(() => lookup(env, 'file', ['nope.txt'])).toThrow("lookup 'file': could not find 'nope.txt'");
  });

  it('decrypts vault files with the vault password (file and unvault)', () => {
    configureSecrets({ vaultPasswords: ['pw-for-tests'] });
    const vaulted = fixtureDir({ 'files/secret.txt': processSecrets().keyring.encrypt('s3cret value\n') });
    const venv = lookupEnv(vaulted);
    expect(lookup(venv, 'file', ['secret.txt'])).toBe('s3cret value');
    expect(lookup(venv, 'unvault', ['secret.txt'])).toBe('s3cret value\n');
    configureSecrets({});
    expect(() => lookup(venv, 'unvault', ['secret.txt'])).toThrow(/no vault password was given/);
  });
});

describe('fileglob', () => {
  it('matches file names in files/ (sorted; no directories, no hidden files)', () => {
    expect(query(env, 'fileglob', ['globbed/*.conf'])).toEqual([join(dir, 'files/globbed/a.conf'), join(dir, 'files/globbed/b.conf')]);
    expect(query(env, 'fileglob', ['globbed/.*.conf'])).toEqual([join(dir, 'files/globbed/.hidden.conf')]);
    expect(query(env, 'fileglob', ['globbed/[!a].conf'])).toEqual([join(dir, 'files/globbed/b.conf')]);
    expect(query(env, 'fileglob', ['globbed/?.txt'])).toEqual([join(dir, 'files/globbed/c.txt')]);
    expect(query(env, 'fileglob', ['*.txt'])).toEqual([join(dir, 'files/data.txt')]);
    expect(query(env, 'fileglob', ['nowhere/*'])).toEqual([]);
  });
});

describe('first_found', () => {
  it('gives the first file that exists', () => {
    expect(lookup(env, 'first_found', [['nope.txt', 'data.txt', 'beside.txt']])).toBe(join(dir, 'files/data.txt'));
    expect(lookup(env, 'first_found', ['nope.txt', 'beside.txt'])).toBe(join(dir, 'beside.txt'));
    // As in Ansible, a plain string term is one name: only `files` is split on commas and semicolons.
    expect(query(env, 'first_found', ['nope.txt,beside.txt'], { skip: true })).toEqual([]);
  });

  it('combines paths and files from a mapping term or the options', () => {
    expect(lookup(env, 'first_found', [{ files: ['x.conf', 'b.conf'], paths: ['nope', 'globbed'] }])).toBe(join(dir, 'files/globbed/b.conf'));
    expect(lookup(env, 'first_found', ['ignored'], { files: 'x.conf;a.conf', paths: 'globbed' })).toBe(join(dir, 'files/globbed/a.conf'));
  });

  it('skips candidates naming undefined variables, and finds nothing with skip', () => {
    expect(lookup(env, 'first_found', [['{{ undefined_thing }}.txt', '{{ name }}.txt', 'data.txt']])).toBe(join(dir, 'files/data.txt'));
    expect(query(env, 'first_found', ['nope.txt'], { skip: true })).toEqual([]);
    expect(() => lookup(env, 'first_found', [['nope.txt']])).toThrow(/no file was found among \["nope.txt"\]/);
  });

  it('looks in templates/ for a template task (with_first_found)', () => {
    expect(lookup({ ...env, subdir: 'templates' }, 'first_found', ['greeting.j2'])).toBe(join(dir, 'templates/greeting.j2'));
  });
});

describe('template', () => {
  it("renders templates/ files with the task's variables, template_vars and template_path", () => {
    expect(lookup(env, 'template', ['greeting.j2'])).toBe('hello world from greeting.j2\n');
    expect(lookup(env, 'template', ['greeting.j2'], { template_vars: { name: 'there' } })).toBe('hello there from greeting.j2\n');
  });

  it('renders Jinja2 as Ansible does, with the delimiters it is given', () => {
    expect(lookup(env, 'template', ['loop.j2'])).toBe('a;b\n');
    expect(lookup(env, 'template', ['greeting.j2'], { variable_start_string: '[%', variable_end_string: '%]' })).toBe('hello {{ name }} from {{ template_path }}\n');
    expect(lookup(env, 'template', ['delimited.j2'], { variable_start_string: '[%', variable_end_string: '%]' })).toBe('hello world\n');
  });
});
