import { KbrunError } from '../errors/kbrun-error.js';
import { pyStr } from '../expr/py-string.js';
import type { NodeBase } from '../language/model.js';
import type { Templar } from '../template/templar.js';
import { valueLocationOf } from '../source/yaml-loader.js';

/** The items of a task's `loop` or `with_items`, rendered for one host; undefined when the task does not loop. */
export function loopItems(task: NodeBase, templar: Templar, vars: Readonly<Record<string, unknown>>): unknown[] | undefined {
  const keyword = task.keywords['loop'] !== undefined ? 'loop' : task.keywords['with_items'] !== undefined ? 'with_items' : undefined;
  if (!keyword) return undefined;
  const location = valueLocationOf(task.keywordSource, keyword);
  const value = templar.renderDeep(task.keywords[keyword], vars, location);
  if (keyword === 'with_items') {
    const list = Array.isArray(value) ? value : [value];
    return list.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  if (!Array.isArray(value)) {
    throw new KbrunError('E_KEYWORD_TYPE', `'loop' needs a list, got ${value === null ? 'null' : typeof value}`, {
      location,
      hint: "for a mapping use {{ dict2items x }} (or 'x | dict2items'); for a string, put it in a list",
    });
  }
  return value;
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
