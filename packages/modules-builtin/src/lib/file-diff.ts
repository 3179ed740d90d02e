import type { FileDiff } from '@kbrun/core';

const MAX_DIFF_BYTES = 104_448; // Ansible's default max_diff_size

/** A before/after diff of a file's content (binary or very large content is described, not shown). */
export function contentDiff(path: string, before: Buffer | null, after: Buffer, afterHeader = path): FileDiff {
  return { before: showable(before), after: showable(after), before_header: path, after_header: afterHeader };
}

/** A before/after diff of a path's state and attributes, as small JSON documents (Ansible's file module shape). */
export function stateDiff(path: string, before: Record<string, unknown>, after: Record<string, unknown>): FileDiff {
  return {
    before: `${JSON.stringify({ path, ...before }, null, 4)}\n`,
    after: `${JSON.stringify({ path, ...after }, null, 4)}\n`,
    before_header: path,
    after_header: path,
  };
}

function showable(content: Buffer | null): string {
  if (content === null) return '';
  if (content.includes(0)) return '[binary content]\n';
  if (content.length > MAX_DIFF_BYTES) return `[content larger than ${MAX_DIFF_BYTES} bytes]\n`;
  return content.toString('utf8');
}
