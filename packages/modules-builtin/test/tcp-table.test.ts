// Linux's /proc/net/tcp{,6} as wait_for's state=drained reads them.
import { describe, expect, it } from 'vitest';
import { activeConnections, canonicalAddress, parseTcpTable, TCP_STATES } from '../src/lib/tcp-table.js';

// Two listeners, an established connection from 10.0.0.5 to port 5432, one in TIME_WAIT, and IPv6 (one IPv4-mapped).
const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   105        0 1001 1 0000000000000000 100 0 0 10 0
   1: 0A00000A:1538 0500000A:D431 01 00000000:00000000 00:00000000 00000000   105        0 1002 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:1538 0100007F:9C40 06 00000000:00000000 03:00000F3C 00000000     0        0 0 3 0000000000000000
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000A00000A:1538 0000000000000000FFFF00000600000A:C350 01 00000000:00000000 00:00000000 00000000   105        0 2002 1 0000000000000000 20 4 30 10 -1
   2: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:A000 01 00000000:00000000 00:00000000 00000000     0        0 2003 1 0000000000000000 20 4 30 10 -1
`;

const ACTIVE = new Set(['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'].map((s) => TCP_STATES[s]!));

describe('parseTcpTable', () => {
  it('reads both tables, with addresses in network order and IPv4-mapped IPv6 as IPv4', () => {
    const entries = parseTcpTable(TABLE);
    expect(entries).toHaveLength(6);
    expect(entries[0]).toEqual({ local: '0.0.0.0', localPort: 5432, remote: '0.0.0.0', remotePort: 0, state: 0x0a });
    expect(entries[1]).toEqual({ local: '10.0.0.10', localPort: 5432, remote: '10.0.0.5', remotePort: 54321, state: 0x01 });
    expect(entries[4]).toMatchObject({ local: '10.0.0.10', remote: '10.0.0.6', localPort: 5432, remotePort: 50000 });
    expect(entries[5]).toMatchObject({ local: canonicalAddress('::1'), localPort: 8080 });
  });
});

describe('canonicalAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['[::1]', `${'0'.repeat(31)}1`],
    ['::', '0'.repeat(32)],
    ['2001:db8::1', `20010db8${'0'.repeat(23)}1`],
    ['fe80::1%eth0', `fe80${'0'.repeat(27)}1`],
    ['db.internal', undefined],
  ])('%s → %s', (input, expected) => expect(canonicalAddress(input)).toBe(expected));
});

describe('activeConnections', () => {
  const entries = parseTcpTable(TABLE);
  const query = (addresses: string[], excluded: string[] = []) =>
    activeConnections(entries, { port: 5432, addresses: new Set(addresses.map((a) => canonicalAddress(a)!)), excluded: new Set(excluded.map((a) => canonicalAddress(a)!)), states: ACTIVE });

  it('counts the connections on the port whose local address is the host (listeners never count)', () => {
    expect(query(['10.0.0.10'])).toHaveLength(2);
    expect(query(['127.0.0.1'])).toHaveLength(1);
    expect(query(['10.0.0.99'])).toHaveLength(0);
  });

  it('matches any local address for 0.0.0.0 (IPv4) and :: (all), and ignores excluded remotes', () => {
    expect(query(['0.0.0.0'])).toHaveLength(3);
    expect(query(['::'])).toHaveLength(3);
    expect(query(['0.0.0.0'], ['10.0.0.5', '::ffff:10.0.0.6'])).toHaveLength(1);
  });
});
