import type { Inventory } from '../inventory/inventory.js';
import type { Templar } from '../template/templar.js';

/** Directories under each search path a file lookup looks in first (Ansible's `files/`, `templates/`, `vars/`). */
export type LookupSubdir = 'files' | 'templates' | 'vars';

/** What a lookup may use on the controller: the task's variables and the run's inventory, templar and directories. */
export interface LookupEnv {
  /** The variables of the task the lookup runs for (the `vars`/`varnames` lookups read them). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** `ansible_search_path`: the role directories, the task file's directory, then the playbook's. */
  readonly searchPath: readonly string[];
  /** The playbook's directory: `pipe`/`lines` run there and `password` paths are relative to it. */
  readonly playbookDir: string;
  readonly inventory: Inventory;
  readonly templar: Templar;
  /** Where `first_found` looks first: `templates` for a template task's loop, `vars` for include_vars, else `files`. */
  readonly subdir: LookupSubdir;
  /** Shows a warning (errors='warn'). */
  warn(message: string): void;
}

/** A lookup's options after defaults were applied (only the names it declares). */
export type LookupOptions = Readonly<Record<string, unknown>>;

/** Runs a lookup on its terms; always a list (lookup() joins it, query() keeps it). Throws KbrunError E_LOOKUP. */
export type LookupRun = (terms: readonly unknown[], options: LookupOptions, env: LookupEnv) => unknown[];

/** One lookup of kbrun's table. */
export interface LookupSpec {
  run: LookupRun;
  /** The keyword options it takes, with their defaults. */
  options: LookupOptions;
  /** Its values are secrets when a no_log task or a secret-named variable receives them (`password`, `file`, `unvault`). */
  secret?: true;
  /** One line for the docs table. */
  description: string;
}
