import type { Node } from './ast.js';
import { parseExpression } from './parser.js';
import { pyTuple } from './py-tuple.js';

/** Names Python's literal_eval accepts once Ansible has mapped JSON's `true`, `false` and `null` to Python's constants. */
const LITERAL_NAMES = new Set(['True', 'False', 'None', 'true', 'false', 'null']);

/** Raised inside literalValue when a node is not a Python literal. */
class NotALiteral extends Error {}

/** The value of a node made only of literals (strings, numbers, constants, signed numbers, lists, tuples, dicts). */
function literalValue(node: Node, text: string): unknown {
  switch (node.kind) {
    case 'literal': {
      if (typeof node.value === 'boolean' || node.value === null) {
        if (!LITERAL_NAMES.has(text.slice(node.start, node.end))) throw new NotALiteral();
      }
      return node.value;
    }
    case 'unary': {
      const operand = node.operand;
      if (node.op === 'not' || operand.kind !== 'literal' || typeof operand.value !== 'number') throw new NotALiteral();
      return node.op === '-' ? -operand.value : operand.value;
    }
    case 'list': {
      const items = node.items.map((item) => literalValue(item, text));
      return node.tuple ? pyTuple(items) : items;
    }
    case 'dict': {
      const out: Record<string, unknown> = {};
      node.keys.forEach((key, i) => {
        const k = literalValue(key, text);
        if (k !== null && typeof k === 'object') throw new NotALiteral();
        const name = k === true ? 'True' : k === false ? 'False' : k === null ? 'None' : String(k);
        Object.defineProperty(out, name, { value: literalValue(node.values[i]!, text), enumerable: true, writable: true, configurable: true });
      });
      return out;
    }
    default:
      throw new NotALiteral();
  }
}

/**
 * What Ansible (2.14, jinja2_native off) makes of a template's text: text that starts with `{` or `[`, or is `True` or
 * `False`, is read with Python's ast.literal_eval (JSON's true/false/null accepted) and becomes that list, dict or
 * boolean; any other text, or text that is not a literal, stays as it is.
 */
export function ansibleLiteral(text: string): unknown {
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (!text.startsWith('{') && !text.startsWith('[')) return text;
  try {
    return literalValue(parseExpression(text), text);
  } catch {
    return text;
  }
}
