import type { Inventory, Playbook, TagFilter, TaskNode } from '@kbrun/core';
import { resolveHostPattern } from '@kbrun/core';

/** What `--list-hosts`, `--list-tasks` and `--list-tags` print, in ansible-playbook's layout. */
export interface ListRequest {
  hosts: boolean;
  tasks: boolean;
  tags: boolean;
}

/** Renders the listing of a loaded playbook (nothing runs). */
export function listPlaybook(playbook: Playbook, shownAs: string, inventory: Inventory, limit: ReadonlySet<string> | undefined, filter: TagFilter, request: ListRequest): string {
  const lines = ['', `playbook: ${shownAs}`];
  for (const [index, play] of playbook.plays.entries()) {
    const pattern = Array.isArray(play.hosts) ? play.hosts.join(',') : play.hosts;
    lines.push('', `  play #${index + 1} (${pattern}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`);
    if (request.hosts) {
      const hosts = resolveHostPattern(inventory, pattern).filter((h) => !limit || limit.has(h));
      lines.push(`    pattern: ${JSON.stringify([pattern]).replace(/"/g, "'")}`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
    }
    const tasks = play.sections.flatMap((section) => leafTasks(section)).filter((t) => filter.selects(t.tags));
    if (request.tasks) {
      lines.push('    tasks:');
      for (const task of tasks) lines.push(`      ${task.name}\tTAGS: [${[...new Set(task.tags)].join(', ')}]`);
    }
    if (request.tags) {
      const tags = [...new Set(tasks.flatMap((t) => t.tags))].sort();
      lines.push(`      TASK TAGS: [${tags.join(', ')}]`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Tasks and includes in written order, blocks opened (rescue and always included). */
function leafTasks(nodes: readonly TaskNode[]): Array<{ name: string; tags: readonly string[] }> {
  return nodes.flatMap((node) => (node.kind === 'block' ? [...leafTasks(node.block), ...leafTasks(node.rescue), ...leafTasks(node.always)] : [{ name: node.name, tags: node.tags }]));
}
