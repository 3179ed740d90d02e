import { KbrunError } from '../errors/kbrun-error.js';
import { pyStr } from '../expr/py-string.js';
import { toNative } from '../expr/py-value.js';
import type { NodeBase } from '../language/model.js';
import type { SourceLocation } from '../source/location.js';
import { Templar } from '../template/templar.js';
import { valueLocationOf } from '../source/yaml-loader.js';
import { withLoopItems } from './task-lookups.js';

type Vars = Readonly<Record<string, unknown>>;

/** The `with_<lookup>` keyword of a node, if it has one. */
function withKeyword(node: NodeBase): string | undefined {
  return Object.keys(node.keywords).find((k) => k.startsWith('with_') && node.keywords[k] !== undefined);
}

/** Strings rendered one by one, those naming an undefined variable kept as written (`with_first_found` skips them). */
function renderLeniently(templar: Templar, value: unknown, vars: Vars, location: SourceLocation | undefined): unknown {
  if (typeof value === 'string') {
    try {
      return templar.render(value, vars, location);
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v) => renderLeniently(templar, v, vars, location));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderLeniently(templar, v, vars, location)]));
  return value;
}

/**
 * The items of a node's `loop` or `with_<lookup>` (the lookup run on the rendered terms, as Ansible does: a string is
 * one term, a list its terms), rendered for one host; undefined when the node does not loop.
 */
export function loopItems(task: NodeBase, templar: Templar, vars: Vars): unknown[] | undefined {
  if (task.keywords['loop'] !== undefined) {
    const location = valueLocationOf(task.keywordSource, 'loop');
    const value = templar.renderDeep(task.keywords['loop'], vars, location);
    if (!Array.isArray(value)) {
      throw new KbrunError('E_KEYWORD_TYPE', `'loop' needs a list, got ${value === null ? 'null' : typeof value}`, {
        location,
        hint: "for a mapping use {{ dict2items x }} (or 'x | dict2items'); for a string, put it in a list",
      });
    }
    return value;
  }
  const keyword = withKeyword(task);
  if (!keyword) return undefined;
  const name = keyword.slice('with_'.length);
  const location = valueLocationOf(task.keywordSource, keyword);
  const raw = task.keywords[keyword];
  const value = name === 'first_found' ? renderLeniently(templar, raw, vars, location) : templar.renderDeep(raw, vars, location);
  let terms = Array.isArray(value) ? value : [value];
  // As in Ansible, a with_first_found term that still holds a template (an undefined variable) is left out whole.
  if (name === 'first_found') terms = terms.filter((term) => !Templar.containsTemplate(term));
  const action = 'action' in task ? String(task.action) : '';
  try {
    // Loop items reach the task as plain data, as in Ansible: a lookup's tuples (indexed_items, subelements…) are lists there.
    return toNative(withLoopItems(vars, name, terms, action), -1) as unknown[];
  } catch (error) {
    if (error instanceof KbrunError && !error.location) throw new KbrunError(error.code, `${keyword}: ${error.message}`, { location, hint: error.hint, cause: error });
    throw error;
  }
}

/** Loop settings from `loop_control`, with Ansible's defaults. */
export interface LoopControl {
  loopVar: string;
  indexVar: string | undefined;
  label: unknown;
  pauseSeconds: number;
}

/** Reads `loop_control` (the label is rendered per item by `itemLabel`). */
export function loopControl(task: NodeBase, templar: Templar, vars: Readonly<Record<string, unknown>>): LoopControl {
  const control = (task.keywords['loop_control'] ?? {}) as Record<string, unknown>;
  const pause = control['pause'] === undefined ? 0 : Number(templar.render(String(control['pause']), vars));
  return {
    loopVar: String(control['loop_var'] ?? 'item'),
    indexVar: control['index_var'] === undefined ? undefined : String(control['index_var']),
    label: control['label'],
    pauseSeconds: Number.isFinite(pause) ? pause : 0,
  };
}

/** How an item is named in the output, as Ansible's `(item=…)`: `loop_control.label` rendered with the item's variables, else the item, as Python's str() shows it. */
export function itemLabel(control: LoopControl, templar: Templar, vars: Readonly<Record<string, unknown>>, item: unknown): string {
  return pyStr(control.label === undefined ? item : templar.renderDeep(control.label, vars));
}

/** The per-item variables: the loop variable, the index variable, `ansible_loop` and `ansible_loop_var`. */
export function itemVars(control: LoopControl, items: readonly unknown[], index: number): Record<string, unknown> {
  const length = items.length;
  const vars: Record<string, unknown> = {
    [control.loopVar]: items[index],
    ansible_loop_var: control.loopVar,
    ansible_loop: {
      index: index + 1,
      index0: index,
      revindex: length - index,
      revindex0: length - index - 1,
      first: index === 0,
      last: index === length - 1,
      length,
      previtem: index > 0 ? items[index - 1] : undefined,
      nextitem: index < length - 1 ? items[index + 1] : undefined,
    },
  };
  if (control.indexVar) {
    vars[control.indexVar] = index;
    vars['ansible_index_var'] = control.indexVar;
  }
  return vars;
}
