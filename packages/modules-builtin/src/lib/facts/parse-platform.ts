// The platform facts (hostname, fqdn, kernel, architecture) from `uname` and `hostname -f`.

/**
 * Host name, kernel and machine facts. `uname` is the line of `uname -s -n -r -v -m` (sysname, nodename, release,
 * version, machine: only the version has spaces); `fqdn` what `hostname -f` printed.
 */
export function platformFacts(uname: string, fqdn = ''): Record<string, string> {
  const words = uname.trim().split('\n')[0]!.trim().split(/\s+/);
  const [system = '', nodename = '', kernel = ''] = words;
  const machine = words.length >= 5 ? words[words.length - 1]! : '';
  const kernelVersion = words.slice(3, -1).join(' ');
  const facts: Record<string, string> = {};
  if (system) facts['system'] = system;
  if (nodename) {
    facts['nodename'] = nodename;
    facts['hostname'] = nodename.split('.')[0]!;
    const full = fqdn.trim().split('\n')[0]!.trim() || nodename;
    facts['fqdn'] = full;
    facts['domain'] = full.split('.').slice(1).join('.');
  }
  if (kernel) facts['kernel'] = kernel;
  if (kernelVersion) facts['kernel_version'] = kernelVersion;
  if (machine) {
    facts['machine'] = machine;
    facts['architecture'] = /^i[3-6]86$/.test(machine) ? 'i386' : machine;
  }
  return facts;
}
