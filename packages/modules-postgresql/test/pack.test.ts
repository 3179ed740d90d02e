import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { bindArguments, md5Password, parseScramVerifier, postgresqlModules, scramMatches, scramVerifier } from '../src/index.js';
import { parseFlags } from '../src/modules/postgresql-user.js';

// A verifier PostgreSQL 15 made itself (CREATE ROLE … PASSWORD 'pencil-ü' on a lab host, password_encryption scram-sha-256).
const SERVER_MADE = 'SCRAM-SHA-256$4096:NzNLIB/X+yKLK9cMuQRYiQ==$2Gdw/l1TMrLyMQ6RTB4ZdQkOY+KDhjT74721W3yOLUM=:bSIN96Roy2jrtz/Gysn4TX6fTPQeO0AwqVLqWNuWbho=';

describe('postgresqlModules', () => {
  it('lists the modules under their community.postgresql names, each with a strict schema', () => {
    expect(Object.keys(postgresqlModules).sort()).toEqual(['patroni_cluster_info', 'postgresql_db', 'postgresql_ext', 'postgresql_privs', 'postgresql_query', 'postgresql_user']);
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    for (const [name, module] of Object.entries(postgresqlModules)) {
      expect(module.name).toBe(name);
      expect(module.check).toBe('full');
      expect(() => ajv.compile(module.schema)).not.toThrow();
    }
  });
});

describe('SCRAM-SHA-256 verifiers', () => {
  it("recognizes the password of a verifier PostgreSQL made, with the verifier's own salt and iterations", () => {
    const verifier = parseScramVerifier(SERVER_MADE)!;
    expect(verifier.iterations).toBe(4096);
    expect(scramMatches(verifier, 'pencil-ü')).toBe(true);
    expect(scramMatches(verifier, 'pencil-u')).toBe(false);
    expect(scramMatches(verifier, '')).toBe(false);
  });

  it('makes verifiers PostgreSQL would store: a fresh salt each time, matching only their password', () => {
    const a = scramVerifier('s3cret', 4096);
    const b = scramVerifier('s3cret', 4096);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    expect(scramMatches(parseScramVerifier(a)!, 's3cret')).toBe(true);
    expect(scramMatches(parseScramVerifier(b)!, 'other')).toBe(false);
    expect(parseScramVerifier('md5abc')).toBeUndefined();
  });

  it("md5 hashes as PostgreSQL's md5(password || user)", () => {
    expect(md5Password('secret', 'app')).toBe('md56a422f785c9e20873908ce25d1736ae2');
    expect(md5Password('secret', 'app')).not.toBe(md5Password('secret', 'other'));
  });
});

describe('postgresql_query arguments (bound as psycopg2 binds them)', () => {
  it('binds %s in order, %(name)s by name, and %% as a percent sign, each value a literal', () => {
    expect(bindArguments('SELECT %s, %s, 10 %% 3', [1, "it's"], undefined)).toBe("SELECT 1, 'it''s', 10 % 3");
    expect(bindArguments('SELECT %(a)s, %(b)s, %(a)s', undefined, { a: null, b: [1, 2] })).toBe('SELECT NULL, ARRAY[1,2], NULL');
    expect(bindArguments('SELECT true, %s', [false], undefined)).toBe('SELECT true, false');
  });

  it('sends the text unchanged without arguments, and says what is missing', () => {
    expect(bindArguments("SELECT '100%'", undefined, undefined)).toBe("SELECT '100%'");
    expect(() => bindArguments('SELECT %s, %s', [1], undefined)).toThrow(/not enough positional_args/);
    expect(() => bindArguments('SELECT %(x)s', undefined, { y: 1 })).toThrow(/'x' is not in named_args/);
  });
});

describe('role_attr_flags', () => {
  it('parses flags and their NO forms, and refuses unknown ones', () => {
    expect(parseFlags('CREATEDB,nosuperuser, LOGIN')).toEqual({ CREATEDB: true, SUPERUSER: false, LOGIN: true });
    expect(parseFlags('')).toEqual({});
    expect(() => parseFlags('CREATEUSER')).toThrow(/Invalid role_attr_flags specified: CREATEUSER/);
  });
});
