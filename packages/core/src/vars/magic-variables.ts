/** kbrun's support for one of Ansible's special variables. */
export interface MagicVariable {
  name: string;
  /** `supported`: kbrun sets it; `not applicable`: it names something kbrun does not have (left undefined). */
  status: 'supported' | 'not applicable';
  /** What it holds in kbrun (and where it is set), or why it does not apply. */
  note: string;
}

const supported = (name: string, note: string): MagicVariable => ({ name, status: 'supported', note });
const notApplicable = (name: string, note: string): MagicVariable => ({ name, status: 'not applicable', note });

/** The special variables of ansible-core 2.14 (magic variables and the two fact ones), for the docs and their test. */
export const MAGIC_VARIABLES: readonly MagicVariable[] = [
  supported('ansible_check_mode', '`true` under `--check` (or in a task with `check_mode: true`).'),
  notApplicable('ansible_collection_name', 'kbrun has no collections.'),
  supported('ansible_config_file', 'The `kbrun.config.yaml` the run read its settings from; none without one.'),
  supported('ansible_dependent_role_names', 'Always empty: kbrun roles have no `meta/` dependencies.'),
  supported('ansible_diff_mode', '`true` under `--diff`.'),
  supported('ansible_facts', 'The gathered facts (and `set_fact` values Ansible puts there).'),
  supported('ansible_failed_result', 'In `rescue`: the result of the task that failed.'),
  supported('ansible_failed_task', 'In `rescue`: the task that failed (`name`, `action`).'),
  supported('ansible_forks', 'The number of hosts run in parallel (`--forks`, 50 by default; Ansible has 5).'),
  supported('ansible_index_var', 'In a loop with `loop_control.index_var`: that variable\'s name.'),
  supported('ansible_inventory_sources', 'The inventory sources given with `-i` (absolute paths).'),
  supported('ansible_limit', 'The `--limit` pattern (undefined without one).'),
  notApplicable('ansible_local', 'No local facts (`fact_path` is not supported).'),
  supported('ansible_loop', 'In a loop: `index`, `index0`, `revindex`, `first`, `last`, `length`, `previtem`, `nextitem` (always, without `extended`).'),
  supported('ansible_loop_var', 'In a loop: the name of the loop variable.'),
  supported('ansible_parent_role_names', 'In a role included or imported by another role: the including roles, nearest first.'),
  supported('ansible_parent_role_paths', 'The directories of `ansible_parent_role_names`.'),
  supported('ansible_play_batch', 'The hosts of the current `serial` batch still running.'),
  supported('ansible_play_hosts', 'The play\'s hosts still running (failed and unreachable ones leave it).'),
  supported('ansible_play_hosts_all', 'Every host the play started with.'),
  supported('ansible_play_name', 'The play\'s name.'),
  supported('ansible_play_role_names', 'The roles of the play\'s `roles:` and import_role tasks (include_role adds none, as in Ansible).'),
  notApplicable('ansible_playbook_python', 'kbrun runs on Node.js: there is no Python interpreter on the controller side.'),
  supported('ansible_role_name', 'In a role: its name.'),
  supported('ansible_role_names', 'The same as `ansible_play_role_names` (no role dependencies).'),
  supported('ansible_run_tags', 'The `--tags` given, `[\'all\']` without any.'),
  supported('ansible_search_path', 'Where file lookups, `copy src` and `template src` look: the role directories (nearest first), the task file\'s directory, the playbook\'s.'),
  supported('ansible_skip_tags', 'The `--skip-tags` given.'),
  supported('ansible_verbosity', 'The number of `-v`.'),
  supported('ansible_version', 'The version of ansible-core whose language kbrun implements (2.14.0): `full`, `major`, `minor`, `revision`, `string`, so a role\'s check for a minimum Ansible version passes; kbrun\'s own version is `kbrun_version`.'),
  supported('group_names', 'The groups the host is in, sorted, without `all`.'),
  supported('groups', 'Every group with its hosts (`all` and `ungrouped` included).'),
  supported('hostvars', 'Every host\'s variables, by host name.'),
  supported('inventory_dir', 'The directory of the inventory file that defined the host (none for `-i a,b,` lists).'),
  supported('inventory_file', 'The inventory file that defined the host (none for `-i a,b,` lists).'),
  supported('inventory_hostname', 'The host\'s name in the inventory.'),
  supported('inventory_hostname_short', 'The name up to the first dot.'),
  supported('omit', 'A placeholder: a module argument templated to it is left out.'),
  supported('play_hosts', 'The old name of `ansible_play_batch`.'),
  supported('playbook_dir', 'The playbook\'s directory.'),
  supported('role_name', 'In a role: its name.'),
  supported('role_names', 'The same as `ansible_play_role_names`.'),
  supported('role_path', 'In a role: its directory.'),
];
