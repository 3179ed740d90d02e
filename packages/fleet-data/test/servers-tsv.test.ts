import { KbrunErrors } from '@kbrun/core';
import { describe, expect, it } from 'vitest';
import { checkServersTsv, formatTsvError, parseServersTsv, SERVERS_TSV_COLUMNS } from '../src/index.js';
import { lineOf, TSV, tsvLines, tsvText, withCell } from './helpers.js';

const FILE = 'servers/servers_v3.tsv';

/** The errors of a TSV text, each as `servers_v3.tsv:LINE: message`. */
function errorsOf(text: string): string[] {
  return checkServersTsv(text, FILE).errors.map(formatTsvError);
}

describe('servers_v3.tsv', () => {
  it('the committed file has one header line and 49 rows, all prod, 14 columns each', () => {
    const lines = tsvLines();
    expect(lines).toHaveLength(50);
    expect(lines[0]).toBe(SERVERS_TSV_COLUMNS.join('\t'));
    expect(lines.filter((l) => l.startsWith('prod'))).toHaveLength(49);
    expect(lines.every((l) => l.split('\t').length === 14)).toBe(true);
    const rows = parseServersTsv(TSV, FILE);
    expect(rows).toHaveLength(49);
    expect(rows.find((r) => r.hostname === 'install-v3')).toMatchObject({ ipPublic: '46.62.171.61', ipPrivate: '10.0.0.251', roleV3: 'bastion' });
    expect(rows.find((r) => r.hostname === 'k8s-master-01')).toMatchObject({ ipPrivate: '10.0.0.100', roleV3: 'k8s-master', line: lineOf('k8s-master-01') });
  });

  it('a duplicate hostname names both lines', () => {
    const line = lineOf('redis-02');
    const text = withCell('redis-02', 2, 'redis-01');
    expect(errorsOf(text)).toEqual([`servers_v3.tsv:${line}: duplicate HOSTNAME redis-01 (first on line ${lineOf('redis-01')})`]);
  });

  it('a duplicate private or public IP names the line', () => {
    const line = lineOf('minio-02');
    expect(errorsOf(withCell('minio-02', 3, '10.0.0.134'))).toEqual([`servers_v3.tsv:${lineOf('minio-01')}: duplicate IP address 10.0.0.134 (first on line ${line})`]);
    expect(errorsOf(withCell('vault-01', 1, '46.62.171.61'))).toEqual([`servers_v3.tsv:${lineOf('install-v3')}: duplicate IP address 46.62.171.61 (first on line ${lineOf('vault-01')})`]);
  });

  it('a bad IP names the line, the column and the value', () => {
    const line = lineOf('siem-01');
    expect(errorsOf(withCell('siem-01', 3, '10.0.0.300'))).toEqual([`servers_v3.tsv:${line}: IP_PRIVEE '10.0.0.300' is not an IPv4 address (four decimal octets 0-255)`]);
    expect(errorsOf(withCell('siem-01', 1, '203.0.113.07'))[0]).toContain(`servers_v3.tsv:${line}: IP_PUBLIQUE '203.0.113.07' is not an IPv4 address`);
    expect(errorsOf(withCell('siem-01', 3, '203.0.113.151'))).toEqual([`servers_v3.tsv:${line}: IP_PRIVEE 203.0.113.151 is not a private (RFC 1918) address`]);
    expect(errorsOf(withCell('siem-01', 1, '10.9.9.9'))).toEqual([`servers_v3.tsv:${line}: IP_PUBLIQUE 10.9.9.9 is a private or reserved address, not a public one`]);
  });

  it('a missing column names the line and the missing columns', () => {
    const lines = tsvLines();
    const n = lineOf('backup-01');
    lines[n - 1] = lines[n - 1]!.split('\t').slice(0, 13).join('\t');
    expect(errorsOf(tsvText(lines))).toEqual([`servers_v3.tsv:${n}: expected 14 tab-separated columns, found 13; missing LOGICAL_NAME_V3`]);
  });

  it('unknown ENV, empty required fields, unknown ROLE_V3 and a bastion with another role name the line', () => {
    expect(errorsOf(withCell('crm-01', 0, 'production'))).toEqual([`servers_v3.tsv:${lineOf('crm-01')}: unknown ENV 'production'; expected one of dev, prod, staging`]);
    expect(errorsOf(withCell('crm-01', 5, ''))).toEqual([`servers_v3.tsv:${lineOf('crm-01')}: USER_SSH is empty; it is required`]);
    expect(errorsOf(withCell('crm-01', 12, 'app-crmx'))[0]).toMatch(new RegExp(`^servers_v3.tsv:${lineOf('crm-01')}: unknown ROLE_V3 'app-crmx'`));
    expect(errorsOf(withCell('install-01', 12, 'k8s-worker'))).toEqual([
      `servers_v3.tsv:${lineOf('install-01')}: install-01 is a bastion and must have ROLE_V3 'bastion', not 'k8s-worker' (it would be listed for rebuild)`,
    ]);
  });

  it('a wrong header, an empty line and CRLF are reported', () => {
    const lines = tsvLines();
    expect(errorsOf(tsvText([lines[0]!.replace('FQDN', 'FQDN_X'), ...lines.slice(1)]))[0]).toMatch(/^servers_v3.tsv:1: the header line must be/);
    expect(errorsOf(tsvText([...lines.slice(0, 5), '', ...lines.slice(5)]))).toEqual(['servers_v3.tsv:6: empty line; every line after the header is one server']);
    expect(errorsOf(tsvText([lines[0]!, `${lines[1]!}\r`, ...lines.slice(2)]))).toEqual(['servers_v3.tsv:2: the line ends with a carriage return (Windows line ending)']);
  });

  it('collects every error of the file and throws them together, located with a caret under the cell', () => {
    let text = withCell('redis-02', 2, 'redis-01');
    const lines = tsvLines(text);
    const n = lineOf('etl-01');
    const cells = lines[n - 1]!.split('\t');
    cells[3] = '10.0.0.999';
    lines[n - 1] = cells.join('\t');
    text = tsvText(lines);
    let thrown: unknown;
    try {
      parseServersTsv(text, FILE);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KbrunErrors);
    const errors = (thrown as KbrunErrors).errors;
    expect(errors.map((e) => [e.code, e.location?.line])).toEqual([
      ['E_INVENTORY', lineOf('redis-02')],
      ['E_INVENTORY', n],
    ]);
    const rendered = errors[1]!.render();
    expect(rendered).toContain(`${FILE}:${n}:`);
    expect(rendered).toContain('10.0.0.999');
    expect(rendered).toMatch(/\n\s+\^{10}/);
  });
});
