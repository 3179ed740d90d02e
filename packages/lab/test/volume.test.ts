import { describe, expect, it } from 'vitest';
import { labVolumeId, labVolumeMiB, volumeByIdPath } from '../src/volume.js';
import { parsePackageList, LAB_PACKAGES_FILE } from '../src/package-repo.js';
import { readFileSync } from 'node:fs';

describe('lab volumes and package list', () => {
  it('scales plan sizes: 16 MiB per GB, at least 512 MiB (XFS needs 300 MB)', () => {
    expect([10, 20, 50, 100, 500].map(labVolumeMiB)).toEqual([512, 512, 800, 1600, 8000]);
  });

  it('gives each host a volume id derived from its fleet address, at the by-id path Hetzner uses', () => {
    expect(labVolumeId('10.0.0.120')).toBe(100000120);
    expect(labVolumeId('10.0.1.2')).toBe(100000258);
    expect(volumeByIdPath(100000120)).toBe('/dev/disk/by-id/scsi-0HC_Volume_100000120');
  });

  it('reads the package list: names only, comments and duplicates dropped, sorted', () => {
    expect(parsePackageList('# c\nufw\n\ncron # the scheduler\nufw\n')).toEqual(['cron', 'ufw']);
    expect(() => parsePackageList('ufw; rm -rf /\n')).toThrow(/not a Debian package name/);
    expect(parsePackageList(readFileSync(LAB_PACKAGES_FILE, 'utf8'))).toContain('postgresql-15');
  });
});
