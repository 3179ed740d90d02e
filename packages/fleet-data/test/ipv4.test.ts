import { describe, expect, it } from 'vitest';
import { isPrivateIpv4, parseIpv4 } from '../src/index.js';

describe('parseIpv4', () => {
  it('reads a strict dotted quad: four decimal octets 0-255, no leading zeros', () => {
    expect(parseIpv4('10.0.0.251')).toEqual([10, 0, 0, 251]);
    expect(parseIpv4('255.255.255.0')).toEqual([255, 255, 255, 0]);
    for (const bad of ['10.0.0.256', '10.0.0.07', '10.0.0', '10.0.0.1.2', ' 10.0.0.1', '10.0.0.-1', '1e1.0.0.1']) expect(parseIpv4(bad), bad).toBeUndefined();
  });

  it('knows the RFC 1918 ranges', () => {
    expect(['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1'].map(isPrivateIpv4)).toEqual([true, true, true, true]);
    expect(['172.15.0.1', '172.32.0.1', '192.169.0.1', '46.62.171.61', 'nope'].map(isPrivateIpv4)).toEqual([false, false, false, false, false]);
  });
});
