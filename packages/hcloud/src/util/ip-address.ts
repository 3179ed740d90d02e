// Canonical text of an IP address or network, as Python's str(ip_interface(value)) writes it (what the collection compares).
import { isIPv4, isIPv6 } from 'node:net';

/** `10.0.0.1` → `10.0.0.1/32`; `2001:DB8:0::1` → `2001:db8::1/128`; invalid text is returned unchanged. */
export function normalizeIp(value: string): string {
  const [address = '', prefix] = value.trim().split('/');
  if (isIPv4(address)) return `${address}/${prefix ?? '32'}`;
  if (isIPv6(address)) return `${compressIpv6(address)}/${prefix ?? '128'}`;
  return value;
}

function compressIpv6(address: string): string {
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const parts = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const short = groups.map((g) => g.replace(/^0+(?=.)/, ''));
  // The longest run of two or more zero groups becomes `::` (the first one on a tie).
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < short.length; ) {
    if (short[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < short.length && short[j] === '0') j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (best < 0) return short.join(':');
  return `${short.slice(0, best).join(':')}::${short.slice(best + bestLength).join(':')}`;
}

/** The first host address of an IPv6 network (`2a01:4f8::/64` → `2a01:4f8::1`), as the inventory plugin gives `hcloud_ipv6`. */
export function firstIpv6Host(network: string): string {
  const [address = ''] = network.split('/');
  if (!isIPv6(address)) return address;
  const groups = expandIpv6(address);
  const last = (parseInt(groups[7]!, 16) + 1) & 0xffff;
  groups[7] = last.toString(16);
  return compressIpv6(groups.join(':'));
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  return tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
}
