import { defineModule } from '@kbrun/core';
import { BadSubsetError, factFilter, resolveSubsets, sectionsFor, wantedFacts, type Subset } from '../lib/facts/catalog.js';
import { collectFacts } from '../lib/facts/collect-facts.js';
import { gatherCommand, SECTIONS, splitSections, type SectionName } from '../lib/facts/gather-script.js';
import { firstErrorLine } from '../lib/target-commands.js';

/** Arguments of `setup`. */
export interface SetupArgs {
  gather_subset?: string | string[];
  gather_timeout?: number;
  filter?: string | string[];
}

const stringOrList = (description: string, fallback?: string[]) => ({
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  ...(fallback ? { default: fallback } : {}),
  description,
});

/** A list argument as Ansible reads one: a list as is, a string split on commas. */
function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : value.split(',')).map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/**
 * `setup`: gathers facts about the target in one command (one round trip), like ansible.builtin.setup.
 * Returns `ansible_facts` with names as Ansible stores them (no `ansible_` prefix); the engine stores them on the host.
 * The facts and the subset each belongs to are listed in lib/facts/catalog.ts. Where kbrun differs from Ansible:
 * - `mounts` keeps Ansible's rule (device is a path or `host:/export`; no proc, sysfs, cgroup, tmpfs, bind `none`)
 *   and also an overlay mounted at `/` (a container's root); `size_total`/`size_available` come from `df`, no block/inode counts;
 * - `devices` gives model, sectors, size and partitions {sectors, size, uuid} only;
 * - `virtualization_*` comes from systemd-detect-virt (or container files and DMI names); hypervisor hosts are not detected;
 * - a fact whose source is missing on the target (no `ip`, no lsblk and no /sys/block, no resolv.conf) is left out, not guessed.
 */
export const setup = defineModule<SetupArgs>({
  name: 'setup',
  description: 'Gathers facts about the target (OS, host name, CPU, memory, disks, mounts, network, user, clock, virtualization) in one command; changes nothing.',
  check: 'full',
  facts: 'gathered',
  schema: {
    type: 'object',
    properties: {
      gather_subset: stringOrList(
        "What to gather: 'all', 'min' (OS, host name, kernel, clock, user, environment, DNS: always gathered unless '!min'), 'hardware' (CPU, memory, devices, mounts, uptime), 'network' (interfaces, IPv4 addresses, default route), 'virtual'; '!name' excludes one. A string may list several, comma-separated.",
        ['all'],
      ),
      gather_timeout: { type: 'integer', minimum: 1, default: 10, description: 'Seconds the whole gathering may take on the target.' },
      filter: stringOrList("Only return facts whose `ansible_`-prefixed name matches one of these shell-style patterns ('ansible_distribution*', 'ansible_mem*'); empty returns all."),
    },
    additionalProperties: false,
  },
  async run(args, ctx) {
    const requested = asList(args.gather_subset);
    const subsetList = requested.length > 0 ? requested : ['all'];
    let subsets: Set<Subset>;
    try {
      subsets = resolveSubsets(subsetList);
    } catch (error) {
      if (error instanceof BadSubsetError) return { failed: true, changed: false, msg: error.message };
      throw error;
    }
    const keep = factFilter(asList(args.filter));
    const wanted = wantedFacts(subsets, keep);
    const sections = sectionsFor(wanted, SECTIONS);
    const timeoutSeconds = args.gather_timeout ?? 10;
    let gathered = new Map<SectionName, string>();
    if (sections.length > 0) {
      const started = performance.now();
      // df gets half the budget (timeout(1) on the target), so a hung NFS mount costs its size facts, not the whole gathering.
      const result = await ctx.connection.exec(gatherCommand(sections, timeoutSeconds / 2), {
        timeoutMs: timeoutSeconds * 1000,
        signal: ctx.signal,
      });
      ctx.log(`setup: ${sections.length} sections, ${result.stdout.length} bytes in ${Math.round(performance.now() - started)} ms`);
      if (result.rc === 124) return { failed: true, changed: false, msg: `Gathering facts timed out after ${timeoutSeconds} seconds (raise gather_timeout)` };
      if (result.rc !== 0) return { failed: true, changed: false, rc: result.rc, stderr: result.stderr, msg: `Gathering facts failed: ${firstErrorLine(result)}` };
      gathered = splitSections(result.stdout);
    }
    const ansibleFacts = collectFacts(gathered, wanted);
    if (wanted.has('gather_subset')) ansibleFacts['gather_subset'] = subsetList;
    if (wanted.has('module_setup')) ansibleFacts['module_setup'] = true;
    return { changed: false, ansible_facts: ansibleFacts };
  },
});
