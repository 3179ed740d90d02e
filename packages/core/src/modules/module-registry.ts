import type { AnyModule, ModulePack } from './define-module.js';

/** Prefixes Ansible users write in front of module names (`ansible.builtin.copy`). */
const NAMESPACES = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.', 'community.postgresql.', 'kbrun.builtin.', 'kbrun.'];
const HCLOUD_COLLECTION = 'hetzner.hcloud.';

/** The modules a run may use, by name. Packs are registered explicitly; no directory scanning. */
export class ModuleRegistry {
  private readonly modules = new Map<string, AnyModule>();
  private readonly registered: ModulePack[] = [];

  constructor(packs: readonly ModulePack[] = []) {
    for (const pack of packs) this.register(pack);
  }

  /** Adds every module of a pack; a second module with the same name replaces the first. */
  register(pack: ModulePack): void {
    this.registered.push(pack);
    for (const module of Object.values(pack)) this.modules.set(module.name, module);
  }

  /** The packs registered, in order. */
  packs(): ModulePack[] {
    return [...this.registered];
  }

  /** The module for a task key, accepting namespaced names; undefined when unknown. */
  get(name: string): AnyModule | undefined {
    return this.modules.get(ModuleRegistry.shortName(name));
  }

  /** Module names, sorted. */
  names(): string[] {
    return [...this.modules.keys()].sort();
  }

  /** All modules, sorted by name. */
  all(): AnyModule[] {
    return this.names().map((n) => this.modules.get(n)!);
  }

  /** `ansible.builtin.copy` → `copy`; the Hetzner collection's `hetzner.hcloud.server` (or `.hcloud_server`) → `hcloud_server`. */
  static shortName(name: string): string {
    if (name.startsWith(HCLOUD_COLLECTION)) {
      const rest = name.slice(HCLOUD_COLLECTION.length);
      return rest.startsWith('hcloud_') ? rest : `hcloud_${rest}`;
    }
    for (const prefix of NAMESPACES) if (name.startsWith(prefix)) return name.slice(prefix.length);
    return name;
  }
}
