// The virtualization facts from `systemd-detect-virt` (or the script's hints where it is missing).

// systemd-detect-virt's names → Ansible's virtualization_type.
const TYPE_NAMES: Readonly<Record<string, string>> = {
  qemu: 'kvm',
  vmware: 'VMware',
  oracle: 'virtualbox',
  microsoft: 'VirtualPC',
  'lxc-libvirt': 'lxc',
  'container-other': 'container',
};

const CONTAINERS = new Set(['docker', 'podman', 'lxc', 'lxc-libvirt', 'openvz', 'systemd-nspawn', 'rkt', 'wsl', 'proot', 'pouch', 'container-other']);

/**
 * virtualization_type / _role / _tech_guest / _tech_host. Types follow Ansible's names (kvm, VMware, virtualbox,
 * xen, docker, lxc, podman, …); a host with no sign of virtualization gets 'NA' for both, as in Ansible.
 * kbrun does not detect hypervisor hosts: _tech_host is always empty.
 */
export function virtualFacts(text: string): Record<string, unknown> {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  let detected: string | undefined;
  const bare = lines.find((l) => !l.includes('='));
  if (bare !== undefined) detected = bare === 'none' ? undefined : bare;
  else {
    const hints = new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    const dmi = `${hints.get('sys_vendor') ?? ''} ${hints.get('product_name') ?? ''}`;
    if (hints.has('hint')) detected = hints.get('hint');
    else if (/QEMU|KVM|Standard PC|OpenStack|Hetzner/i.test(dmi)) detected = 'kvm';
    else if (/VMware/i.test(dmi)) detected = 'vmware';
    else if (/VirtualBox|innotek/i.test(dmi)) detected = 'oracle';
    else if (/Microsoft.*Virtual Machine/i.test(dmi)) detected = 'microsoft';
    else if (/Xen/i.test(dmi)) detected = 'xen';
  }
  if (!detected) return { virtualization_type: 'NA', virtualization_role: 'NA', virtualization_tech_guest: [], virtualization_tech_host: [] };
  const type = TYPE_NAMES[detected] ?? detected;
  const guest = CONTAINERS.has(detected) ? ['container', type] : [type];
  return { virtualization_type: type, virtualization_role: 'guest', virtualization_tech_guest: [...new Set(guest)], virtualization_tech_host: [] };
}
