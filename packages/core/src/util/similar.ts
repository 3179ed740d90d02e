/** Edit distance between two strings (Levenshtein), used to suggest the name a user meant. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length]!;
}

/** The candidates closest to `name` (at most `max`), nearest first; empty when nothing is close. */
export function suggest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: Array<[string, number]> = [];
  for (const c of candidates) {
    const d = c.startsWith(name) || name.startsWith(c) ? Math.min(editDistance(name, c), 1) : editDistance(name, c);
    if (d <= limit) scored.push([c, d]);
  }
  return scored
    .sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
    .slice(0, max)
    .map(([c]) => c);
}

/** ` Did you mean 'a' or 'b'?` or an empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const found = suggest(name, candidates);
  if (found.length === 0) return '';
  return ` Did you mean ${found.map((f) => `'${f}'`).join(' or ')}?`;
}
