import { describe, expect, it } from 'vitest';
import { fixtureDir, lookup, lookupEnv, query } from './lookup-env.js';

const env = lookupEnv(fixtureDir());
const users = [
  { name: 'alice', groups: ['wheel', 'dev'], props: { mail: { aliases: ['a1', 'a2'] } } },
  { name: 'bob', groups: ['dev'], props: { mail: {} } },
];

describe('list lookups', () => {
  it('items flattens one level; list keeps the terms', () => {
    expect(query(env, 'items', [[1, [2, 3]], 4])).toEqual([1, [2, 3], 4]);
    expect(query(env, 'list', [[1, [2]]])).toEqual([[1, [2]]]);
  });

  it('indexed_items pairs each item with its index', () => {
    expect(query(env, 'indexed_items', [['a', 'b'], 'c'])).toEqual([[0, 'a'], [1, 'b'], [2, 'c']]);
  });

  it('dict gives key/value items in key order, and refuses other values', () => {
    expect(query(env, 'dict', [{ b: 1, a: [2] }])).toEqual([{ key: 'b', value: 1 }, { key: 'a', value: [2] }]);
    expect(lookup(env, 'dict', [{ a: 1 }])).toEqual({ key: 'a', value: 1 });
    expect(() => query(env, 'dict', [['a']])).toThrow("lookup 'dict': expects a mapping, got list");
  });

  it('nested combines the lists; together zips them, padding with none', () => {
    expect(query(env, 'nested', [['a', 'b'], [1, 2], ['x']])).toEqual([['a', 1, 'x'], ['a', 2, 'x'], ['b', 1, 'x'], ['b', 2, 'x']]);
    expect(query(env, 'together', [['a', 'b', 'c'], [1, 2]])).toEqual([['a', 1], ['b', 2], ['c', null]]);
    expect(() => query(env, 'nested', [])).toThrow('needs at least one list');
  });

  it('subelements pairs each mapping (without its list) with each entry of the list', () => {
    expect(query(env, 'subelements', [users, 'groups'])).toEqual([
      [{ name: 'alice', props: users[0]!.props }, 'wheel'],
      [{ name: 'alice', props: users[0]!.props }, 'dev'],
      [{ name: 'bob', props: users[1]!.props }, 'dev'],
    ]);
    expect(users[0]!.groups).toEqual(['wheel', 'dev']);
  });

  it('subelements follows a dotted key and skips missing ones when asked', () => {
    expect(query(env, 'subelements', [users, 'props.mail.aliases', { skip_missing: true }]).map((pair) => (pair as unknown[])[1])).toEqual(['a1', 'a2']);
    expect(() => query(env, 'subelements', [users, 'props.mail.aliases'])).toThrow("could not find 'aliases' key in iterated item");
    expect(() => query(env, 'subelements', [users, 'name'])).toThrow('the key name should point to a list, got "alice"');
    expect(query(env, 'subelements', [{ skipped: true }, 'groups'])).toEqual([]);
    expect(() => query(env, 'subelements', [users, 'groups', { skip: true }])).toThrow('the optional third term must be a dict of flags');
  });

  it('random_choice picks one of the terms', () => {
    expect(['x', 'y']).toContain(lookup(env, 'random_choice', ['x', 'y']));
    expect(query(env, 'random_choice', [])).toEqual([]);
  });
});
