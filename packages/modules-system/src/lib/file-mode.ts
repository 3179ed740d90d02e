// Octal modes given as Ansible does ('0644', '644', or YAML 1.1's 0644 read as the number 420).

/** Schema of a mode argument: octal text or a number. */
export const MODE_SCHEMA: Record<string, unknown> = {
  type: ['string', 'integer'],
  description: "Permissions of the file, octal: '0644' (quoted) or YAML's 0644.",
};

/** The permission bits of an octal mode argument; undefined when not given; an error for anything else. */
export function parseOctalMode(value: string | number | undefined): number | undefined | { error: string } {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (/^0?[0-7]{3,4}$/.test(value)) return Number.parseInt(value, 8);
  return { error: `mode must be octal ('0644'), got ${JSON.stringify(value)}` };
}
