import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/index.js';
import { jmesSearch } from '../../src/template/filters/jmespath.js';

// JMESPath expressions with the results Python's jmespath 1.0 (what community.general.json_query runs) gives for them.
const CASES: Array<[string, unknown, unknown]> = [
  ["users[?active].name", {"users": [{"name": "a", "active": true}, {"name": "b", "active": false}, {"name": "c", "active": true}]}, ["a", "c"]],
  ["users[?age > `30`].name | [0]", {"users": [{"name": "a", "age": 25}, {"name": "b", "age": 35}, {"name": "c", "age": 40}]}, "b"],
  ["servers[*].{host: name, ip: addr}", {"servers": [{"name": "w1", "addr": "1.1.1.1"}, {"name": "w2", "addr": "2.2.2.2"}]}, [{"host": "w1", "ip": "1.1.1.1"}, {"host": "w2", "ip": "2.2.2.2"}]],
  ["domain.server[?status=='on'].port", {"domain": {"server": [{"status": "on", "port": 80}, {"status": "off", "port": 81}]}}, [80]],
  ["*.port", {"a": {"port": 1}, "b": {"port": 2}, "c": {}}, [1, 2]],
  ["matrix[]", {"matrix": [[1, 2], [3], 4]}, [1, 2, 3, 4]],
  ["matrix[][0]", {"matrix": [[1, 2], [3, [5]]]}, [5]],
  ["list[1:3]", {"list": [0, 1, 2, 3, 4]}, [1, 2]],
  ["list[::-1]", {"list": [0, 1, 2, 3, 4]}, [4, 3, 2, 1, 0]],
  ["list[-2:]", {"list": [0, 1, 2, 3, 4]}, [3, 4]],
  ["length(users)", {"users": [1, 2, 3]}, 3],
  ["sort_by(users, &age)[*].name", {"users": [{"name": "a", "age": 30}, {"name": "b", "age": 20}]}, ["b", "a"]],
  ["max_by(users, &age).name", {"users": [{"name": "a", "age": 30}, {"name": "b", "age": 20}]}, "a"],
  ["join(', ', users[*].name)", {"users": [{"name": "a"}, {"name": "b"}]}, "a, b"],
  ["users[?contains(groups, 'dev')].name", {"users": [{"name": "a", "groups": ["dev"]}, {"name": "b", "groups": []}]}, ["a"]],
  ["users[?starts_with(name, 'a')] | length(@)", {"users": [{"name": "ab"}, {"name": "b"}]}, 1],
  ["keys(@)", {"b": 1, "a": 2}, ["b", "a"]],
  ["values(@)", {"b": 1, "a": 2}, [1, 2]],
  ["[a, b.c]", {"a": 1, "b": {"c": 2}}, [1, 2]],
  ["a || b", {"a": null, "b": "x"}, "x"],
  ["!a && b", {"a": false, "b": "y"}, "y"],
  ["to_string(a)", {"a": [1, {"x": true}]}, "[1,{\"x\":true}]"],
  ["avg(nums)", {"nums": [1, 2, 3, 4]}, 2.5],
  ["sum(nums)", {"nums": [1, 2.5]}, 3.5],
  ["type(a)", {"a": 1.5}, "number"],
  ["merge(a, b)", {"a": {"x": 1}, "b": {"y": 2, "x": 3}}, {"x": 3, "y": 2}],
  ["map(&name, users)", {"users": [{"name": "a"}, {}]}, ["a", null]],
  ["nope.deeper", {"a": 1}, null],
  ["\"with space\"", {"with space": 7}, 7],
  ["a[?b==`null`]", {"a": [{"b": null}, {"b": 1}]}, [{"b": null}]],
  ["people[?age >= `18`] | sort_by(@, &name) | [].name", {"people": [{"name": "z", "age": 20}, {"name": "y", "age": 5}, {"name": "x", "age": 18}]}, ["x", "z"]],
  ["reservations[].instances[].state", {"reservations": [{"instances": [{"state": "running"}, {"state": "stopped"}]}, {"instances": [{"state": "terminated"}]}]}, ["running", "stopped", "terminated"]],
  ["min(nums)", {"nums": [3, 1, 2]}, 1],
  ["not_null(a, b, c)", {"b": 2}, 2],
  ["to_number('42')", {}, 42],
  ["reverse('abc')", {}, "cba"],
  ["ends_with('abc', 'bc')", {}, true],
  ["floor(`2.7`)", {}, 2],
  ["users[0].name", {"users": [{"name": "a"}]}, "a"],
  ["@", [1, 2], [1, 2]],
  ["[*].a", [{"a": 1}, {"b": 2}], [1]],
];

describe('json_query (community.general, JMESPath) (issue 11)', () => {
  it.each(CASES)('%s', (expression, data, expected) => {
    expect(jmesSearch(expression, data)).toEqual(expected);
  });

  it('is a filter, also under its collection name', () => {
    const data = { users: [{ name: 'a', on: true }, { name: 'b', on: false }] };
    expect(compileExpression("data | json_query('users[?on].name')").evaluate({ data })).toEqual(['a']);
    expect(compileExpression('data | community.general.json_query("users[0].name")').evaluate({ data })).toBe('a');
    expect(() => compileExpression('data | community.general.to_json').evaluate({ data })).toThrow(/unknown filter/);
  });

  it('reports syntax errors and wrong argument types', () => {
    expect(() => jmesSearch('users[?', {})).toThrow(/expected/);
    expect(() => jmesSearch('length(`1`)', {})).toThrow(/invalid-type/);
    expect(() => jmesSearch('nosuch(@)', {})).toThrow(/unknown-function/);
  });
});
