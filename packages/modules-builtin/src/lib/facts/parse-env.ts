// The `env` and `dns` facts from the target's environment and /etc/resolv.conf.

/** Parses `env` output; a line that does not start a `NAME=` continues the previous value (a value with newlines). */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*|BASH_FUNC_[^=]*)=(.*)$/.exec(line);
    if (match) {
      last = match[1]!;
      env[last] = match[2]!;
    } else if (last !== undefined) env[last] += `\n${line}`;
  }
  return env;
}

/** Ansible's `dns`: {nameservers, search, domain, options} from resolv.conf (keys present only when set). */
export function dnsFacts(resolvConf: string): Record<string, unknown> {
  const dns: Record<string, unknown> = {};
  const nameservers: string[] = [];
  for (const line of resolvConf.split('\n')) {
    const words = line.replace(/[#;].*$/, '').trim().split(/\s+/);
    const [key, ...values] = words;
    if (!key || values.length === 0) continue;
    if (key === 'nameserver') nameservers.push(values[0]!);
    else if (key === 'domain') dns['domain'] = values[0];
    else if (key === 'search') dns['search'] = values;
    else if (key === 'sortlist') dns['sortlist'] = values;
    else if (key === 'options') {
      const options = (dns['options'] as Record<string, string | boolean> | undefined) ?? {};
      for (const option of values) {
        const colon = option.indexOf(':');
        if (colon < 0) options[option] = true;
        else options[option.slice(0, colon)] = option.slice(colon + 1);
      }
      dns['options'] = options;
    }
  }
  if (nameservers.length > 0) dns['nameservers'] = nameservers;
  return dns;
}
