// Assembles `ansible_facts` from the script's sections: each parser runs only when its sections were gathered.
import type { SectionName } from './gather-script.js';
import { cpuFacts } from './parse-cpu.js';
import { deviceFacts, parseBlockDevices } from './parse-devices.js';
import { dnsFacts, parseEnv } from './parse-env.js';
import { memoryFacts } from './parse-memory.js';
import { mountFacts } from './parse-mounts.js';
import { networkFacts } from './parse-network.js';
import { distributionFacts } from './parse-os.js';
import { platformFacts } from './parse-platform.js';
import { dateTimeFacts, uptimeSeconds } from './parse-time.js';
import { userFacts } from './parse-user.js';
import { virtualFacts } from './parse-virtual.js';

/**
 * The facts parsed from some sections (absent section: not gathered; empty section: the tool is missing),
 * restricted to `wanted`. Facts a section could not provide are left out rather than invented.
 */
export function collectFacts(sections: ReadonlyMap<SectionName, string>, wanted: ReadonlySet<string>): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  const get = (name: SectionName) => sections.get(name);
  const has = (name: SectionName) => sections.has(name);
  const devices = parseBlockDevices(get('devices') ?? '');

  if (has('uname')) Object.assign(all, platformFacts(get('uname')!, get('fqdn')));
  if (has('os-release')) Object.assign(all, distributionFacts(get('os-release')!, get('debian-version')));
  if (has('date')) {
    const dateTime = dateTimeFacts(get('date')!);
    if (dateTime) all['date_time'] = dateTime;
  }
  if (has('user')) Object.assign(all, userFacts(get('user')!));
  if (get('env')) all['env'] = parseEnv(get('env')!);
  if (get('dns')) all['dns'] = dnsFacts(get('dns')!);
  if (has('cpuinfo') || has('nproc')) Object.assign(all, cpuFacts(get('cpuinfo') ?? '', get('nproc')));
  if (has('meminfo')) Object.assign(all, memoryFacts(get('meminfo')!));
  if (devices.length > 0) all['devices'] = deviceFacts(devices);
  if (get('mounts')) all['mounts'] = mountFacts(get('mounts')!, get('df'), devices);
  if (has('uptime')) {
    const uptime = uptimeSeconds(get('uptime')!);
    if (uptime !== undefined) all['uptime_seconds'] = uptime;
  }
  if (has('netdev') || has('ipv4') || has('route')) Object.assign(all, networkFacts({ netdev: get('netdev'), ipv4: get('ipv4'), route: get('route') }));
  if (has('virtual')) Object.assign(all, virtualFacts(get('virtual')!));

  const facts: Record<string, unknown> = {};
  for (const name of Object.keys(all).sort()) if (wanted.has(name)) facts[name] = all[name];
  return facts;
}
