// The memory facts from /proc/meminfo, in MiB as Ansible reports them.

/** Parses /proc/meminfo into kB per key. */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([\w()]+):\s+(\d+)/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

/** memtotal_mb, memfree_mb, swaptotal_mb, swapfree_mb and memory_mb {real, nocache, swap}. */
export function memoryFacts(meminfo: string): Record<string, unknown> {
  const kb = parseMeminfo(meminfo);
  if (!kb.has('MemTotal')) return {};
  const mb = (key: string) => Math.floor((kb.get(key) ?? 0) / 1024);
  const total = mb('MemTotal');
  const free = mb('MemFree');
  const nocacheFree = free + mb('Buffers') + mb('Cached');
  const swapTotal = mb('SwapTotal');
  const swapFree = mb('SwapFree');
  return {
    memtotal_mb: total,
    memfree_mb: free,
    swaptotal_mb: swapTotal,
    swapfree_mb: swapFree,
    memory_mb: {
      real: { total, free, used: total - free },
      nocache: { free: nocacheFree, used: total - nocacheFree },
      swap: { total: swapTotal, free: swapFree, used: swapTotal - swapFree, cached: mb('SwapCached') },
    },
  };
}
