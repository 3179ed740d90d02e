import { describe, expect, it } from 'vitest';
import { fixtureDir, lookup, lookupEnv, query } from './lookup-env.js';

const dir = fixtureDir({
  'files/app.ini': [
    '# comment',
    '[DEFAULT]',
    'region = eu',
    '[db]',
    'User = admin',
    'port: 5432',
    'url = pg://%(user)s@h:%(port)s/%(region)s',
    'pct = 100%%',
    'multi = first',
    '  second',
    '',
    '  third',
    '[web]',
    'host = a.example',
    'host_alt = b.example',
  ].join('\n'),
  'files/flags.ini': '[x]\nflag\nkey = v\n',
  'files/dup.ini': '[x]\na = 1\na = 2\n',
  'files/app.properties': 'name=kbrun\nversion: 1\n',
  'files/people.csv': 'alice,admin,"Paris, FR"\nbob,dev,Berlin\n"carol ""c""",ops,"two\nlines"\n',
  'files/people.tsv': 'alice\tadmin\nbob\tdev\n',
});
const env = lookupEnv(dir, { vars: { inventory_hostname: 'web1', app_name: 'kbrun', app_port: 8080, other: 1, hostvars: { web1: { from_host: 'h' } } } });

describe('ini', () => {
  it('reads a key of a section (keys are case-insensitive), DEFAULT values included', () => {
    expect(lookup(env, 'ini', ['user'], { section: 'db', file: 'app.ini' })).toBe('admin');
    expect(lookup(env, 'ini', ['PORT'], { section: 'db', file: 'app.ini' })).toBe('5432');
    expect(lookup(env, 'ini', ['region'], { section: 'web', file: 'app.ini' })).toBe('eu');
  });

  it('interpolates %(name)s and %%, and joins multi-line values', () => {
    expect(lookup(env, 'ini', ['url'], { section: 'db', file: 'app.ini' })).toBe('pg://admin@h:5432/eu');
    expect(lookup(env, 'ini', ['pct'], { section: 'db', file: 'app.ini' })).toBe('100%');
    expect(lookup(env, 'ini', ['multi'], { section: 'db', file: 'app.ini' })).toBe('first\nsecond\n\nthird');
  });

  it('takes the old inline form, re, default, case_sensitive and properties files', () => {
    expect(lookup(env, 'ini', ['user section=db file=app.ini'])).toBe('admin');
    expect(query(env, 'ini', ['host.*'], { section: 'web', file: 'app.ini', re: true })).toEqual(['a.example', 'b.example']);
    expect(lookup(env, 'ini', ['nope'], { section: 'web', file: 'app.ini', default: 'dflt' })).toBe('dflt');
    expect(lookup(env, 'ini', ['User'], { section: 'db', file: 'app.ini', case_sensitive: true })).toBe('admin');
    expect(lookup(env, 'ini', ['user'], { section: 'db', file: 'app.ini', case_sensitive: true, default: 'none' })).toBe('none');
    expect(lookup(env, 'ini', ['version'], { type: 'properties', file: 'app.properties' })).toBe('1');
  });

  it('allows keys without values only when asked, and leaves their value out', () => {
    expect(() => lookup(env, 'ini', ['key'], { section: 'x', file: 'flags.ini' })).toThrow(/line 2 is neither a section, an option/);
    expect(query(env, 'ini', ['flag'], { section: 'x', file: 'flags.ini', allow_no_value: true })).toEqual([]);
  });

  it('reports a missing section, a duplicate option and an unknown inline option', () => {
    expect(() => lookup(env, 'ini', ['a'], { section: 'nope', file: 'app.ini' })).toThrow("no section 'nope' in app.ini");
    expect(() => lookup(env, 'ini', ['a'], { section: 'x', file: 'dup.ini' })).toThrow("option 'a' in section 'x' appears twice (line 3)");
    expect(() => lookup(env, 'ini', ['user sektion=db'])).toThrow("'user sektion' is not an option");
  });
});

describe('csvfile', () => {
  it('gives a field of the row of a key (quotes, commas and newlines in fields)', () => {
    expect(lookup(env, 'csvfile', ['bob file=people.csv delimiter=,'])).toBe('dev');
    expect(lookup(env, 'csvfile', ['alice file=people.csv delimiter=, col=2'])).toBe('Paris, FR');
    expect(lookup(env, 'csvfile', ['carol "c"'], { file: 'people.csv', delimiter: ',', col: 2 })).toBe('two\nlines');
  });

  it('reads TSV by default and gives the default (or nothing) for a missing key', () => {
    expect(lookup(env, 'csvfile', ['bob'], { file: 'people.tsv' })).toBe('dev');
    expect(lookup(env, 'csvfile', ['nobody'], { file: 'people.tsv', default: 'x' })).toBe('x');
    expect(query(env, 'csvfile', ['nobody'], { file: 'people.tsv' })).toEqual([]);
    expect(() => lookup(env, 'csvfile', ['bob'], { file: 'people.tsv', col: 5 })).toThrow('column 5 is out of range');
  });
});

describe('sequence', () => {
  it('counts with start, end, stride, count and a format', () => {
    expect(query(env, 'sequence', ['start=1 end=5'])).toEqual(['1', '2', '3', '4', '5']);
    expect(query(env, 'sequence', ['start=0 end=10 stride=5 format=host%02d'])).toEqual(['host00', 'host05', 'host10']);
    expect(query(env, 'sequence', ['count=3 start=10'])).toEqual(['10', '11', '12']);
    expect(query(env, 'sequence', ['start=5 end=1 stride=-2'])).toEqual(['5', '3', '1']);
    expect(query(env, 'sequence', ['count=0'])).toEqual([]);
    expect(query(env, 'sequence', ['end=0x0a start=0x08 format=0x%x'])).toEqual(['0x8', '0x9', '0xa']);
  });

  it('reads the short form start-end/stride:format', () => {
    expect(query(env, 'sequence', ['4-8/2'])).toEqual(['4', '6', '8']);
    expect(query(env, 'sequence', ['3:web%03d'])).toEqual(['web001', 'web002', 'web003']);
    expect(query(env, 'sequence', ['1-2:%5.1f'])).toEqual(['  1.0', '  2.0']);
  });

  it('refuses what Ansible refuses', () => {
    expect(() => query(env, 'sequence', ['start=1'])).toThrow('must specify count or end');
    expect(() => query(env, 'sequence', ['count=2 end=3'])).toThrow("can't specify both count and end");
    expect(() => query(env, 'sequence', ['start=5 end=1'])).toThrow('to count backwards make stride negative');
    expect(() => query(env, 'sequence', ['start=x end=3'])).toThrow("can't parse start=x as integer");
    expect(() => query(env, 'sequence', ['end=3 format=%d-%d'])).toThrow('bad formatting string');
    expect(() => query(env, 'sequence', ['end=3 step=2'])).toThrow('unrecognized arguments: step');
  });
});

describe('vars and varnames', () => {
  it("gives variables' values by computed name, then the host's, then the default", () => {
    expect(query(env, 'vars', ['app_name', 'app_port'])).toEqual(['kbrun', 8080]);
    expect(lookup(env, 'vars', ['from_host'])).toBe('h');
    expect(lookup(env, 'vars', ['nope'], { default: 'd' })).toBe('d');
    expect(() => lookup(env, 'vars', ['nope'])).toThrow("no variable named 'nope'");
  });

  it('lists the names matching Python regular expressions', () => {
    expect(query(env, 'varnames', ['^app_'])).toEqual(['app_name', 'app_port']);
    expect(query(env, 'varnames', ['(?i)^APP_N'])).toEqual(['app_name']);
    expect(() => query(env, 'varnames', ['('])).toThrow(/cannot use '\(' as a search pattern/);
  });
});

describe('env, inventory_hostnames, pipe and lines', () => {
  it('reads the environment, with a default for unset variables', () => {
    process.env['KBRUN_LOOKUP_TEST'] = 'value';
    expect(lookup(env, 'env', ['KBRUN_LOOKUP_TEST'])).toBe('value');
    expect(lookup(env, 'env', ['KBRUN_LOOKUP_UNSET_X'])).toBe('');
    expect(lookup(env, 'env', ['KBRUN_LOOKUP_UNSET_X'], { default: 'd' })).toBe('d');
    delete process.env['KBRUN_LOOKUP_TEST'];
  });

  it('resolves host patterns against the inventory', () => {
    expect(query(env, 'inventory_hostnames', ['all:!db'])).toEqual(['web1', 'web2']);
    expect(query(env, 'inventory_hostnames', ['web', 'db'])).toEqual(['web1', 'web2', 'db1']);
    expect(lookup(env, 'inventory_hostnames', ['web:&nothing'])).toEqual([]);
  });

  it('runs commands in the playbook directory', () => {
    expect(lookup(env, 'pipe', ['pwd'])).toBe(dir);
    expect(lookup(env, 'pipe', ['printf "a\\n\\n"'])).toBe('a');
    expect(query(env, 'lines', ['printf "x\\ny\\n"', 'echo z'])).toEqual(['x', 'y', 'z']);
    expect(() => lookup(env, 'pipe', ['echo oops >&2; exit 3'])).toThrow(`lookup 'pipe': "echo oops >&2; exit 3" returned 3: oops`);
  });
});
