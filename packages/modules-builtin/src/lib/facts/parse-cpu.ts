// The processor facts from /proc/cpuinfo's topology lines and `nproc`, computed as Ansible's Linux collector does.

/**
 * Processor facts. `processor` is Ansible's flat list, in file order: for each CPU its index, its `vendor_id`
 * and its `model name` (['0', 'GenuineIntel', 'Intel(R) Xeon(R) …', '1', …]); CPUs without those lines (ARM)
 * contribute only the index. `processor_vcpus` = threads per core × cores × sockets, or the CPU count without topology lines.
 */
export function cpuFacts(cpuinfo: string, nproc = ''): Record<string, unknown> {
  const processor: string[] = [];
  const sockets = new Map<string, number>();
  let cpus = 0;
  let physical = '';
  let siblings: number | undefined;
  for (const line of cpuinfo.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor' || key === 'vendor_id' || key === 'model name') {
      processor.push(value);
      if (key === 'processor') cpus++;
    } else if (key === 'physical id') {
      physical = value;
      if (!sockets.has(physical)) sockets.set(physical, 1);
    } else if (key === 'cpu cores') sockets.set(physical, Number.parseInt(value, 10) || 1);
    else if (key === 'siblings') siblings ??= Number.parseInt(value, 10) || undefined;
  }
  const online = Number.parseInt(nproc.trim(), 10);
  if (cpus === 0 && !(online > 0)) return {};
  if (cpus === 0) cpus = online;
  const count = sockets.size || cpus;
  const cores = sockets.size ? [...sockets.values()][0]! : 1;
  const threads = sockets.size && siblings ? Math.max(1, Math.floor(siblings / cores)) : 1;
  return {
    processor,
    processor_count: count,
    processor_cores: cores,
    processor_threads_per_core: threads,
    processor_vcpus: sockets.size ? threads * cores * count : cpus,
    processor_nproc: online > 0 ? online : cpus,
  };
}
