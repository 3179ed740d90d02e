import { createHash } from 'node:crypto';
import { defineModule } from '@kbrun/core';
import type { SshKey } from '../client/api-types.js';
import { CONNECTION_PROPERTIES, LABELS_PROPERTY, ModuleFailure, SSH_KEYS, getById, getByName, runHcloud, sameLabels, type ConnectionArgs } from './module-support.js';
import { sshKeyResult } from './result-shapes.js';

/** Arguments of `hcloud_ssh_key`. */
export interface HcloudSshKeyArgs extends ConnectionArgs {
  id?: number;
  name?: string;
  public_key?: string;
  fingerprint?: string;
  labels?: Record<string, string>;
  force?: boolean;
  state?: 'present' | 'absent';
}

/** The MD5 fingerprint the API gives a public key (`aa:bb:…`), or undefined when the key is not `type base64 [comment]`. */
export function publicKeyFingerprint(publicKey: string): string | undefined {
  const [type, blob] = publicKey.trim().split(/\s+/);
  if (!type || !blob || !/^[A-Za-z0-9+/]+={0,3}$/.test(blob)) return undefined;
  const data = Buffer.from(blob, 'base64');
  // The blob starts with the key type, length-prefixed (RFC 4253): `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5…`.
  if (data.length < 4 || data.toString('latin1', 4, 4 + data.readUInt32BE(0)) !== type) return undefined;
  const digest = createHash('md5').update(data).digest('hex');
  return digest.match(/../g)!.join(':');
}

/** `hcloud_ssh_key`: creates, renames, relabels and deletes an SSH key (hetzner.hcloud.ssh_key). */
export const hcloudSshKey = defineModule<HcloudSshKeyArgs>({
  name: 'hcloud_ssh_key',
  description:
    'Creates, renames (id + name), relabels and deletes an SSH key of the project (hetzner.hcloud.ssh_key). A different public_key under the same name is replaced only with force=true.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'ID of the SSH key. With `name`, renames the key to `name`.' },
      name: { type: 'string', description: 'Name of the SSH key (required for state=present).' },
      public_key: { type: 'string', description: 'The public key (`ssh-ed25519 AAAA… comment`); required to create.' },
      fingerprint: { type: 'string', description: 'MD5 fingerprint of the key, to find it by.' },
      labels: LABELS_PROPERTY,
      force: { type: 'boolean', default: false, description: 'Recreate the key when public_key differs from the stored one.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present or absent.' },
      ...CONNECTION_PROPERTIES,
    },
    anyOf: [{ required: ['id'] }, { required: ['name'] }, { required: ['fingerprint'] }],
    additionalProperties: false,
  },
  run: (args, ctx) =>
    runHcloud(args, ctx, async (api, changes) => {
      const lookup = async (): Promise<SshKey | undefined> => {
        if (args.id !== undefined) return getById<SshKey>(api, SSH_KEYS, args.id);
        if (args.fingerprint !== undefined) return (await api.list<SshKey>(SSH_KEYS.path, SSH_KEYS.many, { fingerprint: args.fingerprint }))[0];
        return args.name === undefined ? undefined : getByName<SshKey>(api, SSH_KEYS, args.name);
      };
      let key = await lookup();
      const label = `SSH key ${key?.name ?? args.name ?? args.id ?? args.fingerprint}`;
      if ((args.state ?? 'present') === 'absent') {
        if (key) await changes.apply(`delete ${label}`, () => api.request('DELETE', `/ssh_keys/${key!.id}`));
        return changes.result(`${label} is already absent`, { hcloud_ssh_key: null });
      }
      if (args.name === undefined) throw new ModuleFailure('state is present but all of the following are missing: name');
      const create = async () => {
        if (args.public_key === undefined) throw new ModuleFailure('missing required arguments to create an SSH key: public_key');
        const body: Record<string, unknown> = { name: args.name, public_key: args.public_key.trim() };
        if (args.labels !== undefined) body['labels'] = args.labels;
        await changes.apply(`create SSH key ${args.name}`, async () => {
          key = (await api.request<{ ssh_key: SshKey }>('POST', '/ssh_keys', { body })).ssh_key;
        });
      };
      if (!key) {
        await create();
      } else {
        const current = key;
        const update: Record<string, unknown> = {};
        if (args.name !== current.name) update['name'] = args.name;
        if (args.labels !== undefined && !sameLabels(args.labels, current.labels)) update['labels'] = args.labels;
        if (Object.keys(update).length > 0) {
          await changes.apply(`update ${label} (${Object.keys(update).join(', ')})`, async () => {
            key = (await api.request<{ ssh_key: SshKey }>('PUT', `/ssh_keys/${current.id}`, { body: update })).ssh_key;
          });
        }
        if (args.public_key !== undefined && publicKeyFingerprint(args.public_key) !== current.fingerprint) {
          if (args.force) {
            await changes.apply(`delete ${label} to replace its public key`, () => api.request('DELETE', `/ssh_keys/${current.id}`));
            key = undefined;
            await create();
          } else {
            changes.warn(`SSH Key '${current.name}' in the API has a different public key than the one provided. Use the force=true argument to recreate the SSH Key in the API.`);
          }
        }
      }
      return changes.result(`${label} is already present`, { hcloud_ssh_key: key ? sshKeyResult(key) : null });
    }),
});
