import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { systemModules } from '../src/index.js';

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });

describe('systemModules', () => {
  it('lists the modules under their Ansible names', () => {
    expect(Object.keys(systemModules).sort()).toEqual(
      ['apt', 'apt_repository', 'authorized_key', 'cron', 'deb822_repository', 'filesystem', 'get_url', 'group', 'hostname', 'mount', 'package', 'service', 'sysctl', 'systemd', 'systemd_service', 'timezone', 'ufw', 'unarchive', 'user'].sort(),
    );
    for (const [key, module] of Object.entries(systemModules)) expect(module.name).toBe(key);
  });

  it.each(Object.entries(systemModules))('%s has a strict, well-formed schema and check mode', (_, module) => {
    expect(module.description.length).toBeGreaterThan(20);
    expect(module.check).toBe('full');
    expect(() => ajv.compile(module.schema)).not.toThrow();
    expect(module.schema.additionalProperties).toBe(false);
    for (const property of Object.values(module.schema.properties)) expect(typeof property['description']).toBe('string');
  });

  it('marks filesystem destructive (refused on protected hosts by the engine)', () => {
    expect(systemModules['filesystem']!.destructive).toBe(true);
    expect(Object.values(systemModules).filter((m) => m.destructive).map((m) => m.name)).toEqual(['filesystem']);
  });
});
