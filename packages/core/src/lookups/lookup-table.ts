import { csvfileLookup } from './csvfile.js';
import { nestedLookup, subelementsLookup, togetherLookup } from './combinations.js';
import { envLookup } from './env.js';
import { fileLookup, unvaultLookup } from './file.js';
import { fileglobLookup } from './fileglob.js';
import { firstFoundLookup } from './first-found.js';
import { iniLookup } from './ini.js';
import { inventoryHostnamesLookup } from './inventory-hostnames.js';
import { dictLookup, indexedItemsLookup, itemsLookup, listLookup, randomChoiceLookup } from './lists.js';
import type { LookupSpec } from './lookup-types.js';
import { passwordLookup } from './password.js';
import { linesLookup, pipeLookup } from './pipe.js';
import { sequenceLookup } from './sequence.js';
import { templateLookup } from './template.js';
import { urlLookup } from './url.js';
import { varnamesLookup, varsLookup } from './vars.js';

/** Every lookup of ansible-core 2.14's builtin namespace kbrun runs, by name (also `with_<name>` loops). */
export const LOOKUPS: Readonly<Record<string, LookupSpec>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, LookupSpec>, {
    csvfile: csvfileLookup,
    dict: dictLookup,
    env: envLookup,
    file: fileLookup,
    fileglob: fileglobLookup,
    first_found: firstFoundLookup,
    indexed_items: indexedItemsLookup,
    ini: iniLookup,
    inventory_hostnames: inventoryHostnamesLookup,
    items: itemsLookup,
    lines: linesLookup,
    list: listLookup,
    nested: nestedLookup,
    password: passwordLookup,
    pipe: pipeLookup,
    random_choice: randomChoiceLookup,
    sequence: sequenceLookup,
    subelements: subelementsLookup,
    template: templateLookup,
    together: togetherLookup,
    unvault: unvaultLookup,
    url: urlLookup,
    varnames: varnamesLookup,
    vars: varsLookup,
  }),
);

/** Builtin lookups kbrun leaves out, with the reason given when a playbook asks for one. */
export const UNSUPPORTED_LOOKUPS: Readonly<Record<string, string>> = {
  config: "kbrun's settings are not Ansible's configuration: read them with `kbrun config`, or pass values as variables",
};

/** The lookup of that name (`ansible.builtin.` prefix allowed); undefined when kbrun has none. */
export function findLookup(name: string): LookupSpec | undefined {
  return LOOKUPS[name.replace(/^ansible\.builtin\./, '')];
}
