import { KbrunError } from '../errors/kbrun-error.js';

/**
 * Splits a play's hosts into batches by `serial`: a number, a percentage (`"30%"`), or a list of them
 * (`[1, 5, "50%"]`, the last size repeating). No `serial` means one batch of every host.
 */
export function splitBatches(hosts: readonly string[], serial: unknown): string[][] {
  if (serial === undefined || serial === null || hosts.length === 0) return [hosts.slice()];
  const sizes = (Array.isArray(serial) ? serial : [serial]).map((s) => batchSize(s, hosts.length));
  const batches: string[][] = [];
  let index = 0;
  let step = 0;
  while (index < hosts.length) {
    const size = sizes[Math.min(step, sizes.length - 1)]!;
    batches.push(hosts.slice(index, index + size));
    index += size;
    step++;
  }
  return batches;
}

function batchSize(value: unknown, total: number): number {
  const text = String(value).trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  const size = percent ? Math.floor((Number(percent[1]) / 100) * total) : Number(text);
  if (!Number.isFinite(size) || size < 0) throw new KbrunError('E_KEYWORD_TYPE', `serial: '${text}' is not a number of hosts or a percentage`);
  return Math.max(1, size === 0 ? 1 : size);
}

/** Orders hosts as the play's `order` asks (inventory order by default). */
export function orderHosts(hosts: readonly string[], order: unknown): string[] {
  switch (order) {
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle':
      return [...hosts].map((h) => [Math.random(), h] as const).sort((a, b) => a[0] - b[0]).map(([, h]) => h);
    default:
      return [...hosts];
  }
}
