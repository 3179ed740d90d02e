/** SQL quoting for statements kbrun builds (identifiers and literals never pasted raw). */

/** A quoted identifier: "name" with inner quotes doubled. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A possibly schema-qualified name (`schema.table`), each part quoted. */
export function qualified(name: string): string {
  return name.split('.').map(ident).join('.');
}

/** A literal: 'text' with quotes doubled, E'' with backslashes doubled when it has any (as libpq's PQescapeLiteral). */
export function literal(value: string): string {
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** A value as a SQL literal for client-side interpolation (what psycopg2 does with query arguments). */
export function sqlValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlValue).join(',')}]`;
  if (typeof value === 'object') return literal(JSON.stringify(value));
  return literal(String(value));
}
