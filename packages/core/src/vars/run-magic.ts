import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/** The run's settings that Ansible exposes as magic variables. */
export interface RunSettings {
  playbookDir: string;
  check: boolean;
  diff: boolean;
  verbosity: number;
  forks: number;
  tags: readonly string[];
  skipTags: readonly string[];
  limit: string | undefined;
  inventorySources: readonly string[];
  configFile: string | undefined;
}

/** The ansible-core release whose language kbrun implements: what `ansible_version` reports, so roles' version checks pass. */
export const ANSIBLE_LANGUAGE_VERSION = '2.14.0';

/** `ansible_version` (full, major, minor, revision, string) of ANSIBLE_LANGUAGE_VERSION. */
export function versionMagic(): Record<string, unknown> {
  const [major = 0, minor = 0, revision = 0] = ANSIBLE_LANGUAGE_VERSION.split('.').map((part) => Number.parseInt(part, 10));
  return { string: ANSIBLE_LANGUAGE_VERSION, full: ANSIBLE_LANGUAGE_VERSION, major, minor, revision };
}

/** kbrun's own version (`kbrun_version`). */
function kbrunVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/**
 * The run-wide magic variables: `playbook_dir`, `ansible_check_mode`, `ansible_diff_mode`, `ansible_verbosity`,
 * `ansible_forks`, `ansible_run_tags` (['all'] by default), `ansible_skip_tags`, `ansible_limit` (with --limit only),
 * `ansible_inventory_sources`, `ansible_config_file` (kbrun.config.yaml, none without one), `ansible_version` and
 * kbrun's own `kbrun_version`.
 */
export function runMagic(settings: RunSettings): Record<string, unknown> & { playbook_dir: string } {
  return {
    playbook_dir: settings.playbookDir,
    ansible_check_mode: settings.check,
    ansible_diff_mode: settings.diff,
    ansible_verbosity: settings.verbosity,
    ansible_forks: settings.forks,
    ansible_run_tags: settings.tags.length > 0 ? [...settings.tags] : ['all'],
    ansible_skip_tags: [...settings.skipTags],
    ...(settings.limit === undefined ? {} : { ansible_limit: settings.limit }),
    ansible_inventory_sources: settings.inventorySources.map((source) => (source.includes(',') ? source : resolve(source))),
    ansible_config_file: settings.configFile ?? null,
    ansible_version: versionMagic(),
    kbrun_version: kbrunVersion(),
  };
}

/** The role names of a play (no role dependencies in kbrun: every role is a play role): `role_names`, `ansible_role_names`, … */
export function playRoleMagic(roleNames: readonly string[]): Record<string, unknown> {
  return { ansible_play_role_names: [...roleNames], role_names: [...roleNames], ansible_role_names: [...roleNames], ansible_dependent_role_names: [] };
}
