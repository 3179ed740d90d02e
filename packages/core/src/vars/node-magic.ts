import type { NodeBase, RoleRef } from '../language/model.js';

type Vars = Record<string, unknown>;

const cache = new WeakMap<NodeBase, Vars>();

/** The roles a task sits in, its own first, then the role that included it, and so on outward. */
function roleChain(role: RoleRef | undefined): RoleRef[] {
  const chain: RoleRef[] = [];
  for (let r = role; r; r = r.parent) chain.push(r);
  return chain;
}

/**
 * `ansible_search_path` of a task, where file lookups, `copy src` and `template src` look: the directories of its
 * role and the roles that included it (nearest first), the directory of its task file, then the playbook's.
 */
export function searchPathOf(node: NodeBase | undefined, playbookDir: string): string[] {
  const path = node ? roleChain(node.role).map((r) => r.directory) : [];
  if (node && !path.includes(node.directory)) path.push(node.directory);
  if (!path.includes(playbookDir)) path.push(playbookDir);
  return path;
}

/**
 * The magic variables a task's place gives it: `ansible_search_path`, and in a role `role_name`, `role_path`,
 * `ansible_role_name`, and (in a role included or imported by another role) `ansible_parent_role_names`/`_paths`.
 */
export function nodeMagic(node: NodeBase, playbookDir: string): Readonly<Vars> {
  let magic = cache.get(node);
  if (!magic) {
    magic = { ansible_search_path: searchPathOf(node, playbookDir) };
    const [own, ...parents] = roleChain(node.role);
    if (own) Object.assign(magic, { role_name: own.name, role_path: own.directory, ansible_role_name: own.name });
    if (parents.length > 0) {
      magic['ansible_parent_role_names'] = parents.map((r) => r.name);
      magic['ansible_parent_role_paths'] = parents.map((r) => r.directory);
    }
    cache.set(node, magic);
  }
  return magic;
}
