// The distribution facts (distribution, version, release, os_family) from /etc/os-release.

/** Parses os-release text (`KEY=value`, values optionally quoted, shell escapes in double quotes). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!.trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\([\\$"`])/g, '$1');
    else if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    out[match[1]!] = value;
  }
  return out;
}

// os-release ID → Ansible's `distribution` name.
const DISTRIBUTION_NAMES: Readonly<Record<string, string>> = {
  ubuntu: 'Ubuntu',
  debian: 'Debian',
  raspbian: 'Debian',
  linuxmint: 'Linux Mint',
  pop: 'Pop!_OS',
  kali: 'Kali',
  devuan: 'Devuan',
  rhel: 'RedHat',
  centos: 'CentOS',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  fedora: 'Fedora',
  ol: 'OracleLinux',
  amzn: 'Amazon',
  sles: 'SLES',
  sled: 'SLED',
  'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  alpine: 'Alpine',
  arch: 'Archlinux',
  manjaro: 'Archlinux',
  gentoo: 'Gentoo',
  nixos: 'NixOS',
};

// Ansible's `os_family` of each distribution it groups.
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  Debian: ['Debian', 'Ubuntu', 'Linux Mint', 'Pop!_OS', 'Kali', 'Devuan', 'Raspbian'],
  RedHat: ['RedHat', 'CentOS', 'Rocky', 'AlmaLinux', 'Fedora', 'OracleLinux', 'Amazon'],
  Suse: ['SLES', 'SLED', 'openSUSE Leap', 'openSUSE Tumbleweed'],
  Archlinux: ['Archlinux'],
};

// ID_LIKE words → os_family, for derivatives the table above does not name.
const FAMILY_OF_LIKE: Readonly<Record<string, string>> = { debian: 'Debian', ubuntu: 'Debian', rhel: 'RedHat', fedora: 'RedHat', centos: 'RedHat', suse: 'Suse', arch: 'Archlinux' };

/** The distribution facts, as Ansible names them. `debianVersion` is /etc/debian_version (Debian's point release). */
export function distributionFacts(osRelease: string, debianVersion = ''): Record<string, string> {
  const fields = parseOsRelease(osRelease);
  const id = (fields['ID'] ?? '').toLowerCase();
  if (!id && !fields['NAME']) return {};
  const distribution = DISTRIBUTION_NAMES[id] ?? (fields['NAME']?.split(' ')[0] || id.charAt(0).toUpperCase() + id.slice(1));
  let version = fields['VERSION_ID'] ?? '';
  const point = debianVersion.trim();
  if (distribution === 'Debian' && /^\d+(\.\d+)*$/.test(point)) version = point;
  const release = fields['VERSION_CODENAME'] || fields['UBUNTU_CODENAME'] || /\(([^)]+)\)/.exec(fields['VERSION'] ?? '')?.[1] || 'NA';
  let family = Object.entries(FAMILIES).find(([, members]) => members.includes(distribution))?.[0];
  if (!family) {
    const like = (fields['ID_LIKE'] ?? '').toLowerCase().split(/\s+/);
    family = like.map((word) => FAMILY_OF_LIKE[word]).find((f) => f !== undefined) ?? distribution;
  }
  return {
    distribution,
    distribution_version: version || 'NA',
    distribution_major_version: version ? version.split('.')[0]! : 'NA',
    distribution_release: release,
    os_family: family,
  };
}
