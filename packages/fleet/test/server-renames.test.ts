import { parseServersTsv } from '@kbrun/fleet-data';
import { describe, expect, it } from 'vitest';
import { TSV } from '../../fleet-data/test/helpers.js';
import { serverRenames } from '../src/index.js';

describe('serverRenames', () => {
  it('records the runbook renames db-master-01/db-slave-01/db-slave-02 → db-postgres-01/02/03', () => {
    expect(serverRenames(parseServersTsv(TSV))).toEqual([
      { from: 'db-master-01', to: 'db-postgres-01' },
      { from: 'db-slave-01', to: 'db-postgres-02' },
      { from: 'db-slave-02', to: 'db-postgres-03' },
    ]);
  });
});
