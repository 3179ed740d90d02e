// Former cloud names of servers, as the TSV's NOTES record them (`renamed from db-master-01`).

import type { ServerRow } from '@kbrun/fleet-data';

/** One server to rename in the cloud: its former name and its v3 HOSTNAME. */
export interface ServerRename {
  from: string;
  to: string;
}

const RENAMED_FROM = /\brenamed from ([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\b/;

/** The renames the TSV records (runbook step 2: db-master-01 → db-postgres-01, …), in TSV order. */
export function serverRenames(rows: readonly ServerRow[]): ServerRename[] {
  const out: ServerRename[] = [];
  for (const row of rows) {
    const m = RENAMED_FROM.exec(row.notes);
    if (m && m[1] !== row.hostname) out.push({ from: m[1]!, to: row.hostname });
  }
  return out;
}
