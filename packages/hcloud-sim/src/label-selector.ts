// The label selector language of the API: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma = AND.

/** One term of a selector. */
export type SelectorTerm =
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'exists' | 'absent'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** A selector could not be parsed; the message says where. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/;

/** Split on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (depth < 0) throw new LabelSelectorError(`unbalanced ')' in '${text}'`);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new LabelSelectorError(`unbalanced '(' in '${text}'`);
  parts.push(current);
  return parts.map((p) => p.trim());
}

function checkKey(key: string, term: string): string {
  if (!KEY.test(key)) throw new LabelSelectorError(`invalid label key '${key}' in '${term}'`);
  return key;
}

function checkValue(value: string, term: string): string {
  if (!VALUE.test(value)) throw new LabelSelectorError(`invalid label value '${value}' in '${term}'`);
  return value;
}

/** Parse a selector; an empty selector matches everything. */
export function parseLabelSelector(text: string): SelectorTerm[] {
  if (text.trim() === '') return [];
  return splitTerms(text).map((term): SelectorTerm => {
    if (term === '') throw new LabelSelectorError(`empty term in '${text}'`);
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
    if (set) {
      const values = (set[3] ?? '').split(',').map((v) => checkValue(v.trim(), term));
      return { op: set[2] === 'in' ? 'in' : 'notin', key: checkKey(set[1] ?? '', term), values };
    }
    const ne = /^([^=!\s]+)\s*!=\s*(.*)$/.exec(term);
    if (ne) return { op: 'ne', key: checkKey(ne[1] ?? '', term), value: checkValue((ne[2] ?? '').trim(), term) };
    const eq = /^([^=!\s]+)\s*==?\s*(.*)$/.exec(term);
    if (eq) return { op: 'eq', key: checkKey(eq[1] ?? '', term), value: checkValue((eq[2] ?? '').trim(), term) };
    if (term.startsWith('!')) return { op: 'absent', key: checkKey(term.slice(1).trim(), term) };
    return { op: 'exists', key: checkKey(term, term) };
  });
}

/** Whether labels satisfy every term. `k!=v` and `notin` also match when `k` is absent. */
export function matchesSelector(labels: Readonly<Record<string, string>>, terms: readonly SelectorTerm[]): boolean {
  return terms.every((t) => {
    const has = Object.prototype.hasOwnProperty.call(labels, t.key);
    const value = has ? labels[t.key] : undefined;
    switch (t.op) {
      case 'eq':
        return has && value === t.value;
      case 'ne':
        return !has || value !== t.value;
      case 'exists':
        return has;
      case 'absent':
        return !has;
      case 'in':
        return has && t.values.includes(value ?? '');
      case 'notin':
        return !has || !t.values.includes(value ?? '');
    }
  });
}
