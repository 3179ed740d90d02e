// Result helpers shared by the system modules (Ansible's result shape).
import type { FileDiff, ModuleResult } from '@kbrun/core';

/** A failed result with a message the user can act on. */
export function failure(msg: string, extra: Record<string, unknown> = {}): ModuleResult {
  return { ...extra, failed: true, changed: false, msg };
}

/** A before/after diff of a file's text (`--diff`). */
export function textDiff(path: string, before: string | null, after: string | null): FileDiff {
  return { before: before ?? '', after: after ?? '', before_header: path, after_header: path };
}

/** Adds `diff` to a result when `--diff` is on and the diff shows a change. */
export function withDiff(result: ModuleResult, wanted: boolean, diff: FileDiff | undefined): ModuleResult {
  if (!wanted || diff === undefined || diff.before === diff.after) return result;
  return { ...result, diff };
}

/** Ansible's list arguments: a list, or one comma-separated string. */
export function listArgument(value: string | number | readonly (string | number)[] | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item) => String(item).trim()).filter((item) => item !== '');
  return String(value)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Schema of an Ansible list argument (a list, or a comma-separated string). */
export function listSchema(description: string, item: Record<string, unknown> = { type: 'string' }): Record<string, unknown> {
  return { anyOf: [{ type: 'array', items: item }, { type: 'string' }], description };
}
