// The one command `setup` sends to a target: a fixed POSIX sh script printing one `==name==` section per fact source.

/**
 * The sections the script knows, in the order it prints them. Each prints the raw output of one source;
 * a missing tool or file leaves its section empty (every command's errors go to /dev/null).
 */
export const SECTIONS = [
  'os-release', // /etc/os-release (or /usr/lib/os-release)
  'debian-version', // /etc/debian_version (Debian's point release: 12.5)
  'uname', // uname -s -n -r -v -m (one line: POSIX fixes that order)
  'fqdn', // hostname -f
  'date', // date '+%s %N %Y %m %d %H %M %S %w %W %z %A %Z' (the target's clock and time zone)
  'user', // id; home=$HOME; shell=$SHELL; the passwd entry of the user
  'env', // env
  'dns', // /etc/resolv.conf
  'cpuinfo', // the topology lines of /proc/cpuinfo
  'nproc', // nproc (or getconf _NPROCESSORS_ONLN)
  'meminfo', // /proc/meminfo
  'devices', // lsblk -b -P -o NAME,KNAME,PKNAME,TYPE,SIZE,MODEL,UUID, else the same shape built from /sys/block
  'mounts', // /proc/mounts
  'df', // df -P -B1 (df -Pk where -B is unknown), under timeout(1) (-k 1 where known) when it exists: a hung NFS mount cannot stall the run
  'uptime', // /proc/uptime
  'netdev', // /sys/class/net: "name mac mtu type" per interface
  'ipv4', // ip -4 -o addr show
  'route', // ip -4 route show default
  'virtual', // systemd-detect-virt, else "hint=" lines (container files, DMI vendor/product)
] as const;

/** One section of the script's output. */
export type SectionName = (typeof SECTIONS)[number];

/**
 * The script. It is constant text: `$1` is the df timeout in seconds, the remaining positional
 * parameters are the sections to print (`sh -c SCRIPT kbrun-facts 5 uname date …`); nothing is pasted in.
 * LC_ALL=C is set only on the commands whose output is parsed by words, so `env` shows the real environment.
 */
export const GATHER_SCRIPT = `t=$1
shift
for s do
echo "==$s=="
case $s in
os-release) cat /etc/os-release || cat /usr/lib/os-release;;
debian-version) cat /etc/debian_version;;
uname) uname -s -n -r -v -m;;
fqdn) hostname -f;;
date) LC_ALL=C date '+%s %N %Y %m %d %H %M %S %w %W %z %A %Z';;
user) LC_ALL=C id; echo "home=$HOME"; echo "shell=$SHELL"
u=$(id -u); getent passwd "$u" || awk -F: -v u="$u" '$3 == u' /etc/passwd;;
env) env;;
dns) cat /etc/resolv.conf;;
cpuinfo) grep -E '^(processor|vendor_id|model name|physical id|siblings|cpu cores)[[:space:]]*:' /proc/cpuinfo;;
nproc) nproc || getconf _NPROCESSORS_ONLN;;
meminfo) cat /proc/meminfo;;
devices) lsblk -b -P -o NAME,KNAME,PKNAME,TYPE,SIZE,MODEL,UUID || for d in /sys/block/*; do
[ -r "$d/size" ] || continue
n=\${d##*/}; z=; m=; read z < "$d/size"; read m < "$d/device/model"
echo "KNAME=\\"$n\\" TYPE=\\"disk\\" SECTORS=\\"$z\\" MODEL=\\"$m\\""
for p in "$d/$n"*; do
[ -r "$p/partition" ] || continue
read z < "$p/size"; echo "KNAME=\\"\${p##*/}\\" PKNAME=\\"$n\\" TYPE=\\"part\\" SECTORS=\\"$z\\""
done; done;;
mounts) cat /proc/mounts;;
df) T=; if timeout -k 1 1 true; then T="timeout -k 1 $t"; elif command -v timeout >/dev/null; then T="timeout $t"; fi
if df -P -B1 / >/dev/null; then LC_ALL=C $T df -P -B1; else LC_ALL=C $T df -Pk; fi;;
uptime) cat /proc/uptime;;
netdev) for i in /sys/class/net/*; do
[ -e "$i" ] || continue
a=; m=; t=; read a < "$i/address"; read m < "$i/mtu"; read t < "$i/type"
echo "\${i##*/} \${a:--} \${m:--} \${t:--}"
done;;
ipv4) command -v ip >/dev/null && ip -4 -o addr show;;
route) command -v ip >/dev/null && ip -4 route show default;;
virtual) if command -v systemd-detect-virt >/dev/null; then systemd-detect-virt
else [ -f /.dockerenv ] && echo hint=docker; [ -f /run/.containerenv ] && echo hint=podman
for f in sys_vendor product_name; do [ -r /sys/class/dmi/id/$f ] && echo "$f=$(cat /sys/class/dmi/id/$f)"; done; fi;;
esac 2>/dev/null
done
exit 0
`;

/** The argument vector that runs the script for some sections (one exec, one round trip). */
export function gatherCommand(sections: readonly SectionName[], dfTimeoutSeconds: number): string[] {
  return ['/bin/sh', '-c', GATHER_SCRIPT, 'kbrun-facts', String(Math.max(1, Math.floor(dfTimeoutSeconds))), ...sections];
}

const KNOWN = new Set<string>(SECTIONS);

/** Splits the script's output into its sections (a section that was not asked for is absent; one that printed nothing is ''). */
export function splitSections(stdout: string): Map<SectionName, string> {
  const sections = new Map<SectionName, string>();
  let current: SectionName | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (current) sections.set(current, lines.join('\n').replace(/\n+$/, ''));
  };
  for (const line of stdout.split('\n')) {
    const marker = /^==([a-z0-9-]+)==$/.exec(line);
    if (marker && KNOWN.has(marker[1]!)) {
      flush();
      current = marker[1] as SectionName;
      lines = [];
    } else if (current) lines.push(line);
  }
  flush();
  return sections;
}
