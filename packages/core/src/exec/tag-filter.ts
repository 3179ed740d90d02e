/**
 * Decides which tasks run under `--tags`/`--skip-tags`, with Ansible's special tags:
 * `always` runs unless skipped by name, `never` runs only when asked for, and the selectors
 * `all` (default), `tagged` and `untagged`.
 */
export class TagFilter {
  private readonly only: ReadonlySet<string>;
  private readonly skip: ReadonlySet<string>;

  constructor(only: readonly string[] = [], skip: readonly string[] = []) {
    this.only = new Set(only.length > 0 ? only : ['all']);
    this.skip = new Set(skip);
  }

  /** True when no selection is made (every task that is not `never` runs). */
  get isDefault(): boolean {
    return this.skip.size === 0 && this.only.size === 1 && this.only.has('all');
  }

  /** Whether a task with these (inherited) tags runs. */
  selects(tags: readonly string[]): boolean {
    const set = new Set(tags);
    if (this.matches(this.skip, set)) return false;
    if (set.has('always') && !this.skip.has('always')) return true;
    if (set.has('never') && ![...set].some((t) => t !== 'never' && this.only.has(t)) && !this.only.has('never')) return false;
    return this.matches(this.only, set);
  }

  private matches(selector: ReadonlySet<string>, tags: ReadonlySet<string>): boolean {
    if (selector.has('all') && !(tags.has('never'))) return true;
    if (selector.has('tagged') && tags.size > 0) return true;
    if (selector.has('untagged') && tags.size === 0) return true;
    for (const t of tags) if (selector.has(t)) return true;
    return false;
  }
}
