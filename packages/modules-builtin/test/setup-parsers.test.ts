// The fact parsers on captured and hand-written target output (pure functions: nothing runs, nothing connects).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factFilter, FACTS, resolveSubsets, sectionsFor, wantedFacts } from '../src/lib/facts/catalog.js';
import { collectFacts } from '../src/lib/facts/collect-facts.js';
import { SECTIONS, splitSections, type SectionName } from '../src/lib/facts/gather-script.js';
import { cpuFacts } from '../src/lib/facts/parse-cpu.js';
import { bytesToHuman, deviceFacts, parseBlockDevices, parsePairs } from '../src/lib/facts/parse-devices.js';
import { dnsFacts, parseEnv } from '../src/lib/facts/parse-env.js';
import { memoryFacts } from '../src/lib/facts/parse-memory.js';
import { isRealMount, mountFacts, parseDf, parseProcMounts } from '../src/lib/facts/parse-mounts.js';
import { networkFacts, parseDefaultRoute, parseIpv4Addresses, prefixToNetmask } from '../src/lib/facts/parse-network.js';
import { distributionFacts, parseOsRelease } from '../src/lib/facts/parse-os.js';
import { platformFacts } from '../src/lib/facts/parse-platform.js';
import { dateTimeFacts, uptimeSeconds } from '../src/lib/facts/parse-time.js';
import { userFacts } from '../src/lib/facts/parse-user.js';
import { virtualFacts } from '../src/lib/facts/parse-virtual.js';
import { FIXTURES } from './helpers/target.js';

/** The sections of one fixture (the script's output on some target). */
function fixture(name: string): Map<SectionName, string> {
  return splitSections(readFileSync(join(FIXTURES, 'facts', name), 'utf8'));
}

const ubuntu = fixture('ubuntu2404-cloud.txt'); // hand-written: an Ubuntu 24.04 cloud server with a volume, NFS and docker
const local = fixture('debian12-local.txt'); // captured on the development machine (Debian 12 VM)
const bare = fixture('container-no-tools.txt'); // hand-written: a Debian container without iproute2, util-linux, resolv.conf
const section = (sections: Map<SectionName, string>, name: SectionName) => sections.get(name) ?? '';
const everything = new Set([...Object.keys(FACTS), 'gather_subset', 'module_setup']);

describe('splitSections', () => {
  it('cuts the output at the known markers; an empty section is present and empty', () => {
    expect([...ubuntu.keys()]).toEqual(SECTIONS.filter((s) => ubuntu.has(s)));
    expect(ubuntu.get('nproc')).toBe('4');
    expect(bare.get('ipv4')).toBe('');
    expect(bare.has('env')).toBe(false);
    const sections = splitSections('noise\n==uname==\nLinux\n==bogus==\nx\n==fqdn==\n');
    expect(sections.get('uname')).toBe('Linux\n==bogus==\nx');
    expect(sections.get('fqdn')).toBe('');
  });
});

describe('distributionFacts', () => {
  it('reads Ubuntu 24.04 noble (its /etc/debian_version does not count)', () => {
    expect(distributionFacts(section(ubuntu, 'os-release'), section(ubuntu, 'debian-version'))).toEqual({
      distribution: 'Ubuntu',
      distribution_version: '24.04',
      distribution_major_version: '24',
      distribution_release: 'noble',
      os_family: 'Debian',
    });
  });

  it('gives Debian its point release from /etc/debian_version, as Ansible does', () => {
    expect(distributionFacts(section(bare, 'os-release'), '12.5\n')).toMatchObject({ distribution: 'Debian', distribution_version: '12.5', distribution_major_version: '12', distribution_release: 'bookworm' });
    expect(distributionFacts(section(local, 'os-release'), section(local, 'debian-version'))).toMatchObject({ distribution: 'Debian', os_family: 'Debian', distribution_major_version: '12' });
  });

  it('maps the RedHat family and takes the release from VERSION when there is no codename', () => {
    const rocky = 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n';
    expect(distributionFacts(rocky)).toEqual({ distribution: 'Rocky', distribution_version: '9.3', distribution_major_version: '9', distribution_release: 'Blue Onyx', os_family: 'RedHat' });
    expect(distributionFacts('ID=rhel\nVERSION_ID="8.9"\nVERSION="8.9 (Ootpa)"\n')).toMatchObject({ distribution: 'RedHat', os_family: 'RedHat' });
    expect(distributionFacts('ID=fedora\nVERSION_ID=40\n')).toMatchObject({ distribution: 'Fedora', os_family: 'RedHat', distribution_release: 'NA' });
  });

  it('falls back to ID_LIKE, then to the distribution itself', () => {
    expect(distributionFacts('NAME="Zorin OS"\nID=zorin\nID_LIKE="ubuntu debian"\nVERSION_ID="17"\n')).toMatchObject({ distribution: 'Zorin', os_family: 'Debian' });
    expect(distributionFacts('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n')).toMatchObject({ distribution: 'Alpine', os_family: 'Alpine', distribution_major_version: '3' });
    expect(distributionFacts('')).toEqual({});
  });

  it('unquotes os-release values', () => {
    expect(parseOsRelease(`A="x \\"y\\""\nB='z'\n# comment\nC=plain\n`)).toEqual({ A: 'x "y"', B: 'z', C: 'plain' });
  });
});

describe('platformFacts', () => {
  it('splits the node name into hostname and domain', () => {
    expect(platformFacts(section(ubuntu, 'uname'), section(ubuntu, 'fqdn'))).toEqual({
      system: 'Linux',
      nodename: 'pg-01.example.internal',
      hostname: 'pg-01',
      fqdn: 'pg-01.example.internal',
      domain: 'example.internal',
      kernel: '6.8.0-45-generic',
      kernel_version: '#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024',
      machine: 'x86_64',
      architecture: 'x86_64',
    });
  });

  it('uses the node name when hostname -f printed nothing; i686 is i386', () => {
    expect(platformFacts(section(bare, 'uname'), '')).toMatchObject({ hostname: 'slim-1', fqdn: 'slim-1', domain: '', architecture: 'aarch64' });
    expect(platformFacts('Linux old 2.6.32 #1 SMP Tue Jan 1 i686\n')).toMatchObject({ machine: 'i686', architecture: 'i386' });
  });
});

describe('dateTimeFacts and uptimeSeconds', () => {
  it("keeps the target's local fields and gives ISO 8601 in UTC", () => {
    expect(dateTimeFacts(section(ubuntu, 'date'))).toEqual({
      year: '2024',
      month: '09',
      weekday: 'Monday',
      weekday_number: '1',
      weeknumber: '39',
      day: '30',
      hour: '18',
      minute: '00',
      second: '00',
      epoch: '1727712000',
      epoch_int: '1727712000',
      date: '2024-09-30',
      time: '18:00:00',
      iso8601_micro: '2024-09-30T16:00:00.123456Z',
      iso8601: '2024-09-30T16:00:00Z',
      iso8601_basic: '20240930T180000123456',
      iso8601_basic_short: '20240930T180000',
      tz: 'CEST',
      tz_offset: '+0200',
    });
  });

  it('tolerates a date without %N and rejects garbage', () => {
    expect(dateTimeFacts(section(bare, 'date'))).toMatchObject({ iso8601_micro: '2024-09-30T16:00:00.000000Z', tz: 'UTC' });
    expect(dateTimeFacts('')).toBeUndefined();
    expect(dateTimeFacts('date: invalid format')).toBeUndefined();
  });

  it('reads whole seconds of uptime', () => {
    expect(uptimeSeconds(section(ubuntu, 'uptime'))).toBe(350125);
    expect(uptimeSeconds('')).toBeUndefined();
  });
});

describe('userFacts', () => {
  it('takes name, ids, gecos, home and shell from id and the passwd entry', () => {
    expect(userFacts(section(ubuntu, 'user'))).toEqual({
      user_id: 'deploy',
      user_uid: 1000,
      user_gid: 1000,
      user_gecos: 'Deploy User,,,',
      user_dir: '/home/deploy',
      user_shell: '/bin/bash',
      real_user_id: 1000,
      effective_user_id: 1000,
      real_group_id: 1000,
      effective_group_id: 1000,
    });
  });

  it('falls back to $HOME without a passwd entry and reports a differing effective uid', () => {
    expect(userFacts(section(bare, 'user'))).toEqual({ user_id: 'root', user_uid: 0, user_gid: 0, user_dir: '/root', real_user_id: 0, effective_user_id: 0, real_group_id: 0, effective_group_id: 0 });
    expect(userFacts('uid=1000(me) gid=1000(me) euid=0(root) egid=0(root) groups=1000(me)\n')).toMatchObject({ user_id: 'me', real_user_id: 1000, effective_user_id: 0, effective_group_id: 0 });
    expect(userFacts('')).toEqual({});
  });
});

describe('parseEnv and dnsFacts', () => {
  it('keeps multi-line values together', () => {
    const env = parseEnv(section(ubuntu, 'env'));
    expect(env['MOTD']).toBe('first line\nsecond line');
    expect(env['USER']).toBe('deploy');
    expect(env['HOME']).toBe('/home/deploy');
  });

  it('reads nameservers, search domains and options', () => {
    expect(dnsFacts(section(ubuntu, 'dns'))).toEqual({ nameservers: ['127.0.0.53'], search: ['example.internal'], options: { edns0: true, 'trust-ad': true, ndots: '2' } });
    expect(dnsFacts('domain corp.example\nnameserver 10.0.0.2\nnameserver 10.0.0.3 # second\n')).toEqual({ domain: 'corp.example', nameservers: ['10.0.0.2', '10.0.0.3'] });
  });
});

describe('cpuFacts', () => {
  it('counts sockets, cores and threads as Ansible does and lists index, vendor and model per CPU', () => {
    const facts = cpuFacts(section(ubuntu, 'cpuinfo'), section(ubuntu, 'nproc'));
    expect(facts).toMatchObject({ processor_count: 1, processor_cores: 4, processor_threads_per_core: 1, processor_vcpus: 4, processor_nproc: 4 });
    expect((facts['processor'] as string[]).slice(0, 4)).toEqual(['0', 'AuthenticAMD', 'AMD EPYC Processor', '1']);
    expect(facts['processor']).toHaveLength(12);
    expect(cpuFacts(section(local, 'cpuinfo'), section(local, 'nproc'))).toMatchObject({ processor_vcpus: 2, processor_count: 1, processor_cores: 2 });
  });

  it('handles hyper-threads and two sockets', () => {
    const cpu = (id: number, socket: number) => `processor\t: ${id}\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: ${socket}\nsiblings\t: 4\ncpu cores\t: 2\n`;
    const text = [0, 1, 2, 3].map((i) => cpu(i, 0)).join('') + [4, 5, 6, 7].map((i) => cpu(i, 1)).join('');
    expect(cpuFacts(text, '8')).toMatchObject({ processor_count: 2, processor_cores: 2, processor_threads_per_core: 2, processor_vcpus: 8 });
  });

  it('counts processor entries without topology lines (ARM), or trusts nproc alone', () => {
    expect(cpuFacts(section(bare, 'cpuinfo'), section(bare, 'nproc'))).toEqual({ processor: ['0', '1'], processor_count: 2, processor_cores: 1, processor_threads_per_core: 1, processor_vcpus: 2, processor_nproc: 2 });
    expect(cpuFacts('', '3')).toMatchObject({ processor_vcpus: 3, processor: [] });
    expect(cpuFacts('', '')).toEqual({});
  });
});

describe('memoryFacts', () => {
  it('reports MiB rounded down, with used and nocache figures', () => {
    expect(memoryFacts(section(ubuntu, 'meminfo'))).toEqual({
      memtotal_mb: 7751,
      memfree_mb: 5000,
      swaptotal_mb: 2047,
      swapfree_mb: 1997,
      memory_mb: {
        real: { total: 7751, free: 5000, used: 2751 },
        nocache: { free: 6856, used: 895 },
        swap: { total: 2047, free: 1997, used: 50, cached: 0 },
      },
    });
    expect(memoryFacts(section(local, 'meminfo'))).toMatchObject({ memtotal_mb: 24105, swaptotal_mb: 0 });
    expect(memoryFacts('')).toEqual({});
  });
});

describe('devices', () => {
  it('nests partitions under their disk with Ansible-style sizes', () => {
    expect(deviceFacts(parseBlockDevices(section(ubuntu, 'devices')))).toEqual({
      sda: {
        model: 'QEMU HARDDISK',
        sectors: '83886080',
        size: '40.00 GB',
        partitions: {
          sda1: { sectors: '83359708', size: '39.75 GB', uuid: '6b2a4e1c-0f0d-4c3e-9f7a-2f1d8c2b9a10' },
          sda14: { sectors: '8192', size: '4.00 MB', uuid: null },
          sda15: { sectors: '518144', size: '253.00 MB', uuid: 'A1B2-C3D4' },
        },
      },
      sdb: { model: 'Volume', sectors: '104857600', size: '50.00 GB', partitions: {} },
      sr0: { model: 'QEMU DVD-ROM', sectors: '2097151', size: '1024.00 MB', partitions: {} },
    });
    expect(Object.keys(deviceFacts(parseBlockDevices(section(local, 'devices'))))).toContain('vda');
  });

  it('reads the /sys/block stand-in (sectors) and keys device-mapper volumes by kernel name, once', () => {
    const text = [
      'KNAME="vda" TYPE="disk" SECTORS="83886080" MODEL=""',
      'KNAME="vda1" PKNAME="vda" TYPE="part" SECTORS="83884032"',
      'NAME="vg-data" KNAME="dm-0" PKNAME="vda1" TYPE="lvm" SIZE="1073741824" MODEL="" UUID="u"',
      'NAME="vg-data" KNAME="dm-0" PKNAME="vda2" TYPE="lvm" SIZE="1073741824" MODEL="" UUID="u"',
    ].join('\n');
    expect(deviceFacts(parseBlockDevices(text))).toEqual({
      vda: { model: null, sectors: '83886080', size: '40.00 GB', partitions: { vda1: { sectors: '83884032', size: '40.00 GB', uuid: null } } },
      'dm-0': { model: null, sectors: '2097152', size: '1.00 GB', partitions: {} },
    });
  });

  it('decodes lsblk escapes', () => {
    expect(parsePairs('NAME="sda" MODEL="My\\x20\\x22Disk\\x22" SIZE="1"')).toEqual({ NAME: 'sda', MODEL: 'My "Disk"', SIZE: '1' });
  });

  it('formats sizes like bytes_to_human', () => {
    expect(bytesToHuman(0)).toBe('0.00 Bytes');
    expect(bytesToHuman(512)).toBe('512.00 Bytes');
    expect(bytesToHuman(1536)).toBe('1.50 KB');
    expect(bytesToHuman(2 * 1024 ** 4)).toBe('2.00 TB');
  });
});

describe('mounts', () => {
  it('keeps block-device and network filesystems with df sizes and UUIDs, not pseudo filesystems', () => {
    const devices = parseBlockDevices(section(ubuntu, 'devices'));
    const mounts = mountFacts(section(ubuntu, 'mounts'), section(ubuntu, 'df'), devices);
    expect(mounts.map((m) => m['mount'])).toEqual(['/', '/boot/efi', '/mnt/HC_Volume_101', '/mnt/nfs backups']);
    expect(mounts[0]).toEqual({
      mount: '/',
      device: '/dev/sda1',
      fstype: 'ext4',
      options: 'rw,relatime,discard,errors=remount-ro,commit=30',
      dump: 0,
      passno: 1,
      size_total: 41555521536,
      size_available: 33692393472,
      uuid: '6b2a4e1c-0f0d-4c3e-9f7a-2f1d8c2b9a10',
    });
    expect(mounts[2]).toMatchObject({ device: '/dev/sdb', uuid: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', size_total: 52573995008 });
    expect(mounts[3]).toMatchObject({ device: '10.0.0.2:/export/backups', fstype: 'nfs4', size_total: 211243163648, uuid: 'N/A' });
  });

  it("keeps a container's overlay root, reads 1024-blocks and omits sizes df did not give", () => {
    const mounts = mountFacts(section(bare, 'mounts'), section(bare, 'df'));
    expect(mounts.map((m) => [m['mount'], m['fstype'], m['size_total']])).toEqual([
      ['/', 'overlay', 40581564 * 1024],
      ['/etc/hosts', 'ext4', 40581564 * 1024],
    ]);
    expect(mountFacts(section(bare, 'mounts'), '')[0]).not.toHaveProperty('size_total');
  });

  it('on this machine: / is a real mount with a size', () => {
    const mounts = mountFacts(section(local, 'mounts'), section(local, 'df'));
    expect(mounts.find((m) => m['mount'] === '/')).toMatchObject({ device: '/dev/vda', size_total: 270553174016 });
    expect(mounts.some((m) => String(m['fstype']).startsWith('cgroup') || m['fstype'] === 'tmpfs')).toBe(false);
  });

  it('decodes escapes and classifies mounts', () => {
    expect(parseProcMounts('/dev/sdc /mnt/a\\040b\\011c xfs rw 0 0')[0]).toMatchObject({ mount: '/mnt/a b\tc' });
    expect(isRealMount({ device: '//nas/share', mount: '/mnt/s', fstype: 'cifs', options: '', dump: 0, passno: 0 })).toBe(true);
    expect(isRealMount({ device: '/dev/sda1', mount: '/srv', fstype: 'none', options: 'bind', dump: 0, passno: 0 })).toBe(false);
    expect(isRealMount({ device: 'overlay', mount: '/var/lib/docker/x', fstype: 'overlay', options: '', dump: 0, passno: 0 })).toBe(false);
    expect(parseDf('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/x 10 1 9 10% /data\n').get('/data')).toEqual({ total: 10240, available: 9216 });
  });
});

describe('network', () => {
  it('reads Ubuntu 24.04 cloud addresses (eth0 public /32, ens10 private 10.0.0.x, an alias, docker0)', () => {
    const addresses = parseIpv4Addresses(section(ubuntu, 'ipv4'));
    expect(addresses.map((a) => `${a.interface} ${a.address}/${a.prefix} ${a.label} ${a.broadcast}`)).toEqual([
      'lo 127.0.0.1/8 lo ',
      'eth0 203.0.113.10/32 eth0 ',
      'ens10 10.0.0.12/32 ens10 10.0.0.12',
      'ens10 10.0.0.112/24 ens10:vip ',
      'docker0 172.17.0.1/16 docker0 172.17.255.255',
    ]);
  });

  it('describes the default route like Ansible', () => {
    expect(networkFacts({ netdev: section(ubuntu, 'netdev'), ipv4: section(ubuntu, 'ipv4'), route: section(ubuntu, 'route') })).toEqual({
      interfaces: ['docker0', 'ens10', 'eth0', 'lo'],
      all_ipv4_addresses: ['203.0.113.10', '10.0.0.12', '10.0.0.112', '172.17.0.1'],
      default_ipv4: {
        interface: 'eth0',
        gateway: '172.31.1.1',
        address: '203.0.113.10',
        prefix: '32',
        netmask: '255.255.255.255',
        network: '203.0.113.10',
        broadcast: '',
        alias: 'eth0',
        macaddress: '96:00:03:a4:b5:c6',
        mtu: 1500,
        type: 'ether',
      },
    });
  });

  it('handles a private-network default route and routes without a gateway', () => {
    const ipv4 = '2: ens10    inet 10.0.0.7/24 brd 10.0.0.255 scope global ens10\\       valid_lft forever preferred_lft forever';
    expect(networkFacts({ ipv4, route: 'default via 10.0.0.1 dev ens10 proto static onlink' })['default_ipv4']).toEqual({
      interface: 'ens10',
      gateway: '10.0.0.1',
      address: '10.0.0.7',
      prefix: '24',
      netmask: '255.255.255.0',
      network: '10.0.0.0',
      broadcast: '10.0.0.255',
      alias: 'ens10',
    });
    expect(parseDefaultRoute('default dev wg0 scope link')).toEqual({ interface: 'wg0' });
    expect(parseDefaultRoute('10.0.0.0/16 via 10.0.0.1 dev ens10')).toBeUndefined();
    expect(parseIpv4Addresses('5: eth0.100@eth0    inet 192.168.100.2/24 scope global eth0.100\\ x')[0]).toMatchObject({ interface: 'eth0.100', label: 'eth0.100' });
    expect(prefixToNetmask(0)).toBe('0.0.0.0');
    expect(prefixToNetmask(20)).toBe('255.255.240.0');
  });

  it('without ip: interfaces only, no address or route keys', () => {
    expect(networkFacts({ netdev: section(bare, 'netdev'), ipv4: '', route: '' })).toEqual({ interfaces: ['eth0', 'lo'] });
  });

  it('on this machine: eth0 carries the default route', () => {
    const facts = networkFacts({ netdev: section(local, 'netdev'), ipv4: section(local, 'ipv4'), route: section(local, 'route') });
    expect(facts['default_ipv4']).toMatchObject({ interface: 'eth0', gateway: '192.0.2.1', address: '192.0.2.2', netmask: '255.255.255.0' });
    expect(facts['all_ipv4_addresses']).toEqual(['192.0.2.2']);
  });
});

describe('virtualFacts', () => {
  it('maps systemd-detect-virt names to Ansible names', () => {
    expect(virtualFacts('kvm')).toEqual({ virtualization_type: 'kvm', virtualization_role: 'guest', virtualization_tech_guest: ['kvm'], virtualization_tech_host: [] });
    expect(virtualFacts('vmware')).toMatchObject({ virtualization_type: 'VMware' });
    expect(virtualFacts('docker')).toMatchObject({ virtualization_type: 'docker', virtualization_tech_guest: ['container', 'docker'] });
    expect(virtualFacts('none')).toMatchObject({ virtualization_type: 'NA', virtualization_role: 'NA' });
  });

  it('uses the hints where systemd-detect-virt is missing', () => {
    expect(virtualFacts('hint=docker')).toMatchObject({ virtualization_type: 'docker', virtualization_role: 'guest' });
    expect(virtualFacts('sys_vendor=QEMU\nproduct_name=Standard PC (Q35 + ICH9, 2009)')).toMatchObject({ virtualization_type: 'kvm' });
    expect(virtualFacts('sys_vendor=Dell Inc.\nproduct_name=PowerEdge R640')).toMatchObject({ virtualization_type: 'NA' });
    expect(virtualFacts('')).toMatchObject({ virtualization_type: 'NA' });
  });
});

describe('collectFacts', () => {
  it('assembles every fact of the Ubuntu sample', () => {
    const facts = collectFacts(ubuntu, everything);
    const expected = Object.keys(FACTS).filter((name) => name !== 'env' || ubuntu.has('env'));
    expect(Object.keys(facts).sort()).toEqual(expected.sort());
    expect(facts).toMatchObject({ distribution: 'Ubuntu', distribution_release: 'noble', hostname: 'pg-01', memtotal_mb: 7751, virtualization_type: 'kvm' });
  });

  it('leaves out what missing tools could not tell (no ip, no lsblk or /sys/block, no resolv.conf)', () => {
    const facts = collectFacts(bare, everything);
    for (const key of ['all_ipv4_addresses', 'default_ipv4', 'devices', 'dns', 'env']) expect(facts).not.toHaveProperty(key);
    expect(facts).toMatchObject({ distribution: 'Debian', interfaces: ['eth0', 'lo'], processor_vcpus: 2, virtualization_type: 'docker' });
    expect(facts['mounts']).toHaveLength(2);
  });

  it('keeps only the wanted facts', () => {
    expect(collectFacts(ubuntu, new Set(['hostname', 'mounts']))).toEqual({ hostname: 'pg-01', mounts: expect.any(Array) });
  });
});

describe('subsets and filters', () => {
  it("follows Ansible's gather_subset rules", () => {
    const sorted = (list: string[]) => [...resolveSubsets(list)].sort();
    expect(sorted(['all'])).toEqual(['hardware', 'min', 'network', 'virtual']);
    expect(sorted(['min'])).toEqual(['min']);
    expect(sorted(['network'])).toEqual(['min', 'network']);
    expect(sorted(['!hardware'])).toEqual(['min', 'network', 'virtual']);
    expect(sorted(['!all'])).toEqual(['min']);
    expect(sorted(['!all', 'virtual'])).toEqual(['min', 'virtual']);
    expect(sorted(['!all', '!min'])).toEqual([]);
    expect(sorted([])).toEqual(['hardware', 'min', 'network', 'virtual']);
    expect(() => resolveSubsets(['facter'])).toThrow(/Bad subset 'facter'/);
  });

  it('matches filters like fnmatch, with or without the ansible_ prefix', () => {
    const keep = factFilter(['ansible_distribution*', 'mem*', 'processor_[nv]*']);
    expect(['distribution', 'distribution_version', 'memtotal_mb', 'memory_mb', 'processor_nproc', 'processor_vcpus'].every(keep)).toBe(true);
    expect(['os_family', 'swaptotal_mb', 'processor_cores', 'processor_count', 'processor'].some(keep)).toBe(false);
    expect(factFilter([])('anything')).toBe(true);
    expect(factFilter(['*'])('anything')).toBe(true);
  });

  it('asks the script only for the sections the wanted facts need', () => {
    const min = wantedFacts(new Set(['min']), () => true);
    expect(sectionsFor(min, SECTIONS)).toEqual(['os-release', 'debian-version', 'uname', 'fqdn', 'date', 'user', 'env', 'dns']);
    const distribution = wantedFacts(new Set(['min', 'hardware', 'network', 'virtual']), factFilter(['ansible_distribution*']));
    expect(sectionsFor(distribution, SECTIONS)).toEqual(['os-release', 'debian-version']);
    expect(sectionsFor(wantedFacts(new Set(['hardware']), factFilter(['ansible_mounts'])), SECTIONS)).toEqual(['devices', 'mounts', 'df']);
  });

  it('every fact comes from sections of its own subset', () => {
    const bySubset = new Map<SectionName, string>();
    for (const source of Object.values(FACTS)) {
      for (const name of source.sections) {
        expect(bySubset.get(name) ?? source.subset).toBe(source.subset);
        bySubset.set(name, source.subset);
      }
    }
    expect([...bySubset.keys()].sort()).toEqual([...SECTIONS].sort());
  });
});
