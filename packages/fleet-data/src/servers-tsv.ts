// servers/servers_v3.tsv: the one strict parser (kbrun verify, inventory generate and the simulator's seed), every mistake reported with its line.

import { KbrunError, KbrunErrors } from '@kbrun/core';
import { isPrivateIpv4, isReservedIpv4, parseIpv4 } from './ipv4.js';
import { BASTION_HOSTNAMES, BASTION_ROLE } from './bastions.js';
import { KNOWN_ROLES_V3 } from './role-families.js';

/** The 14 columns of `servers_v3.tsv`, in order (the runbook's header line). */
export const SERVERS_TSV_COLUMNS = [
  'ENV',
  'IP_PUBLIQUE',
  'HOSTNAME',
  'IP_PRIVEE',
  'FQDN',
  'USER_SSH',
  'POOL',
  'ROLE',
  'SUBROLE',
  'DOCKER_STACK',
  'CORE',
  'NOTES',
  'ROLE_V3',
  'LOGICAL_NAME_V3',
] as const;

/** A column of `servers_v3.tsv`. */
export type ServersTsvColumn = (typeof SERVERS_TSV_COLUMNS)[number];

/** Columns that may not be empty. */
export const REQUIRED_COLUMNS: readonly ServersTsvColumn[] = ['ENV', 'IP_PUBLIQUE', 'HOSTNAME', 'IP_PRIVEE', 'FQDN', 'USER_SSH', 'POOL', 'ROLE', 'ROLE_V3', 'LOGICAL_NAME_V3'];

/** The ENV values a row may have (the fleet itself is all `prod`). */
export const KNOWN_ENVS: readonly string[] = ['dev', 'prod', 'staging'];

/** One server of the TSV. */
export interface ServerRow {
  env: string;
  ipPublic: string;
  hostname: string;
  ipPrivate: string;
  fqdn: string;
  userSsh: string;
  pool: string;
  role: string;
  subrole: string;
  dockerStack: string;
  core: string;
  notes: string;
  roleV3: string;
  logicalNameV3: string;
  /** 1-based line of the row in the file. */
  line: number;
}

/** What checking a TSV text found: the rows that parsed and every error, in line order. */
export interface ServersTsvResult {
  rows: ServerRow[];
  errors: KbrunError[];
}

/** The `ServerRow` field each column is read into. */
export const SERVERS_TSV_FIELDS: Readonly<Record<ServersTsvColumn, keyof Omit<ServerRow, 'line'>>> = {
  ENV: 'env',
  IP_PUBLIQUE: 'ipPublic',
  HOSTNAME: 'hostname',
  IP_PRIVEE: 'ipPrivate',
  FQDN: 'fqdn',
  USER_SSH: 'userSsh',
  POOL: 'pool',
  ROLE: 'role',
  SUBROLE: 'subrole',
  DOCKER_STACK: 'dockerStack',
  CORE: 'core',
  NOTES: 'notes',
  ROLE_V3: 'roleV3',
  LOGICAL_NAME_V3: 'logicalNameV3',
};

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const FQDN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Checks a TSV text and collects every error (each a `KbrunError` E_INVENTORY located at its line and cell). */
export function checkServersTsv(text: string, file = 'servers/servers_v3.tsv'): ServersTsvResult {
  const errors: KbrunError[] = [];
  const rows: ServerRow[] = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // Excerpts show tabs as single spaces, so the caret lines up under the cell.
  const shown = text.replace(/\t/g, ' ');
  const error = (line: number, message: string, at?: { col: number; length: number }, hint?: string): void => {
    errors.push(new KbrunError('E_INVENTORY', message, { location: { file, line, col: at?.col ?? 1, length: at?.length ?? (lines[line - 1]?.length || 1), source: shown }, hint }));
  };

  const header = lines[0];
  if (header === undefined) {
    error(1, `the file is empty; expected a header line with the ${SERVERS_TSV_COLUMNS.length} columns ${SERVERS_TSV_COLUMNS.join(' ')}`);
    return { rows, errors };
  }
  if (header !== SERVERS_TSV_COLUMNS.join('\t')) {
    error(1, `the header line must be the ${SERVERS_TSV_COLUMNS.length} tab-separated columns ${SERVERS_TSV_COLUMNS.join(' ')}; found ${JSON.stringify(header)}`);
    return { rows, errors };
  }

  const firstSeen = new Map<string, Map<string, number>>();
  const duplicate = (kind: string, value: string, line: number): number | undefined => {
    let seen = firstSeen.get(kind);
    if (!seen) firstSeen.set(kind, (seen = new Map()));
    const first = seen.get(value);
    if (first === undefined) seen.set(value, line);
    return first;
  };

  lines.slice(1).forEach((raw, i) => {
    const lineNo = i + 2;
    if (raw.endsWith('\r')) {
      error(lineNo, 'the line ends with a carriage return (Windows line ending)', undefined, 'save servers_v3.tsv with LF line endings');
      return;
    }
    if (raw.trim() === '') {
      error(lineNo, 'empty line; every line after the header is one server', undefined, 'remove the empty line (the runbook expects `wc -l` to give 50)');
      return;
    }
    const cells = raw.split('\t');
    if (cells.length !== SERVERS_TSV_COLUMNS.length) {
      const missing = cells.length < SERVERS_TSV_COLUMNS.length ? `; missing ${SERVERS_TSV_COLUMNS.slice(cells.length).join(', ')}` : '';
      error(lineNo, `expected ${SERVERS_TSV_COLUMNS.length} tab-separated columns, found ${cells.length}${missing}`, undefined, 'separate the columns with exactly one tab each; an empty value is an empty cell between two tabs');
      return;
    }
    const starts: number[] = [];
    cells.reduce((col, cell) => (starts.push(col), col + cell.length + 1), 1);
    const at = (column: ServersTsvColumn): { col: number; length: number } => {
      const k = SERVERS_TSV_COLUMNS.indexOf(column);
      return { col: starts[k]!, length: Math.max(1, cells[k]!.length) };
    };
    const row = { line: lineNo } as ServerRow;
    let ok = true;
    SERVERS_TSV_COLUMNS.forEach((column, k) => {
      const cell = cells[k]!;
      row[SERVERS_TSV_FIELDS[column]] = cell;
      if (cell !== cell.trim()) {
        error(lineNo, `${column} ${JSON.stringify(cell)} has leading or trailing spaces`, at(column));
        ok = false;
      } else if (cell === '' && REQUIRED_COLUMNS.includes(column)) {
        error(lineNo, `${column} is empty; it is required`, at(column));
        ok = false;
      }
    });
    if (!ok) return;
    const bad = (column: ServersTsvColumn, message: string, hint?: string): void => {
      error(lineNo, message, at(column), hint);
      ok = false;
    };

    if (!KNOWN_ENVS.includes(row.env)) bad('ENV', `unknown ENV '${row.env}'; expected one of ${KNOWN_ENVS.join(', ')}`);
    if (!HOST_LABEL.test(row.hostname)) bad('HOSTNAME', `HOSTNAME '${row.hostname}' is not a valid host name (lowercase letters, digits and inner dashes, at most 63)`);
    if (!HOST_LABEL.test(row.logicalNameV3)) bad('LOGICAL_NAME_V3', `LOGICAL_NAME_V3 '${row.logicalNameV3}' is not a valid name (lowercase letters, digits and inner dashes)`);
    if (!FQDN.test(row.fqdn)) bad('FQDN', `FQDN '${row.fqdn}' is not a fully qualified domain name`);
    if (!USER.test(row.userSsh)) bad('USER_SSH', `USER_SSH '${row.userSsh}' is not a valid user name`);
    if (parseIpv4(row.ipPublic) === undefined) bad('IP_PUBLIQUE', `IP_PUBLIQUE '${row.ipPublic}' is not an IPv4 address (four decimal octets 0-255)`);
    else if (isPrivateIpv4(row.ipPublic) || isReservedIpv4(row.ipPublic)) bad('IP_PUBLIQUE', `IP_PUBLIQUE ${row.ipPublic} is a private or reserved address, not a public one`);
    if (parseIpv4(row.ipPrivate) === undefined) bad('IP_PRIVEE', `IP_PRIVEE '${row.ipPrivate}' is not an IPv4 address (four decimal octets 0-255)`);
    else if (!isPrivateIpv4(row.ipPrivate)) bad('IP_PRIVEE', `IP_PRIVEE ${row.ipPrivate} is not a private (RFC 1918) address`);
    if (!KNOWN_ROLES_V3.includes(row.roleV3)) {
      bad('ROLE_V3', `unknown ROLE_V3 '${row.roleV3}'; expected one of ${KNOWN_ROLES_V3.join(', ')}`, 'a new role needs a volume-role family in @kbrun/fleet-data role-families.ts (its size and mount point)');
    } else if (BASTION_HOSTNAMES.includes(row.hostname) && row.roleV3 !== BASTION_ROLE) {
      bad('ROLE_V3', `${row.hostname} is a bastion and must have ROLE_V3 '${BASTION_ROLE}', not '${row.roleV3}' (it would be listed for rebuild)`);
    }

    const unique: [string, ServersTsvColumn, string][] = [
      ['host', 'HOSTNAME', row.hostname],
      ['logical', 'LOGICAL_NAME_V3', row.logicalNameV3],
      ['fqdn', 'FQDN', row.fqdn],
      ['ip', 'IP_PUBLIQUE', row.ipPublic],
      ['ip', 'IP_PRIVEE', row.ipPrivate],
    ];
    for (const [kind, column, value] of unique) {
      const first = duplicate(kind, value, lineNo);
      if (first !== undefined && first !== lineNo) bad(column, `duplicate ${kind === 'ip' ? 'IP address' : column} ${value} (first on line ${first})`);
    }
    if (ok) rows.push(row);
  });
  errors.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
  return { rows, errors };
}

/** Parses `servers_v3.tsv` strictly; throws `KbrunErrors` (E_INVENTORY, one per mistake, each naming its line) when anything is wrong. */
export function parseServersTsv(text: string, file = 'servers/servers_v3.tsv'): ServerRow[] {
  const { rows, errors } = checkServersTsv(text, file);
  if (errors.length > 0) throw new KbrunErrors(errors);
  return rows;
}

/** `servers_v3.tsv:12: message` — a TSV error on one line, for reports. */
export function formatTsvError(error: KbrunError): string {
  const loc = error.location;
  if (!loc) return error.message;
  const name = loc.file.split(/[\\/]/).pop() ?? loc.file;
  return `${name}:${loc.line}: ${error.message}`;
}

/** The rows that are bastions (ROLE_V3 `bastion`). */
export function bastionRows(rows: readonly ServerRow[]): ServerRow[] {
  return rows.filter((r) => r.roleV3 === BASTION_ROLE);
}

/** The rows that are rebuilt (every row but the bastions). */
export function rebuildableRows(rows: readonly ServerRow[]): ServerRow[] {
  return rows.filter((r) => r.roleV3 !== BASTION_ROLE);
}
