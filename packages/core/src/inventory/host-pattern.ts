import { KbrunError } from '../errors/kbrun-error.js';
import type { Inventory } from './inventory.js';

/**
 * Resolves an Ansible host pattern against the inventory, in inventory order:
 * `all`/`*`, host, group, glob (`web*`), regex (`~web\d+`), and combinations with `:` or `,`
 * — `a:b` union, `a:&b` intersection, `a:!b` exclusion (unions first, then intersections, then exclusions).
 * A pattern of only `&`/`!` terms applies to `all`, as in Ansible (`!bastions` = every host but the bastions).
 */
export function resolveHostPattern(inventory: Inventory, pattern: string | readonly string[]): string[] {
  const terms = (Array.isArray(pattern) ? pattern : splitPattern(pattern as string)).map((t) => t.trim()).filter(Boolean);
  const included = new Set<string>();
  const intersections: Set<string>[] = [];
  const excluded = new Set<string>();
  const onlyFilters = terms.length > 0 && terms.every((t) => t.startsWith('&') || t.startsWith('!'));
  if (onlyFilters) for (const h of matchTerm(inventory, 'all')) included.add(h);
  for (const term of terms) {
    if (term.startsWith('&')) intersections.push(new Set(matchTerm(inventory, term.slice(1))));
    else if (term.startsWith('!')) for (const h of matchTerm(inventory, term.slice(1))) excluded.add(h);
    else for (const h of matchTerm(inventory, term)) included.add(h);
  }
  const order = [...inventory.allHosts(), ...(inventory.hosts.get('localhost')?.implicit ? ['localhost'] : [])];
  return order.filter((h) => included.has(h) && !excluded.has(h) && intersections.every((s) => s.has(h)));
}

/** Splits on `:` and `,` but keeps IPv6-like or regex terms whole when they start with `~`. */
function splitPattern(pattern: string): string[] {
  if (pattern.startsWith('~')) return [pattern];
  return pattern.split(/[:,]/);
}

function matchTerm(inventory: Inventory, term: string): string[] {
  if (term === 'all' || term === '*') return inventory.allHosts();
  if (inventory.groups.has(term)) return inventory.groupHosts(term);
  if (inventory.hosts.has(term)) return [term];
  let regex: RegExp | undefined;
  if (term.startsWith('~')) {
    try {
      // Anchored at the start only, like Python's re.match in Ansible's inventory manager.
      regex = new RegExp(`^(?:${term.slice(1)})`);
    } catch (error) {
      throw new KbrunError('E_HOST_PATTERN', `invalid regular expression in host pattern '${term}': ${(error as Error).message}`);
    }
  } else if (/[*?[]/.test(term)) {
    regex = globToRegExp(term);
  }
  if (!regex) return [];
  const out = new Set<string>();
  for (const [name, group] of inventory.groups) if (regex.test(name)) for (const h of inventory.groupHosts(group.name)) out.add(h);
  for (const h of inventory.allHosts()) if (regex.test(h)) out.add(h);
  return [...out];
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if ('[]'.includes(ch)) source += ch;
    else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
