// SSH key endpoints: list, get, create, update, delete; the fingerprint is the MD5 of the key blob, as the API computes it.

import { createHash } from 'node:crypto';
import type { SimCore } from '../core.js';
import { invalidField, notFound, notUnique } from '../errors.js';
import { listAnswer } from '../listing.js';
import { sshKeyJson } from '../render.js';
import type { Router } from '../router.js';
import type { SshKeyRecord } from '../store.js';
import { labels, pathId, str } from '../validate.js';

const KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-ed25519',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);

/** The MD5 fingerprint (`aa:bb:…`) of an OpenSSH public key line, or undefined when it is not one. */
export function sshFingerprint(publicKey: string): string | undefined {
  const [type = '', data = ''] = publicKey.trim().split(/\s+/);
  if (!KEY_TYPES.has(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return undefined;
  const blob = Buffer.from(data, 'base64');
  if (blob.length < 4) return undefined;
  const typeLength = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + typeLength).toString('latin1') !== type) return undefined;
  const hex = createHash('md5').update(blob).digest('hex');
  return hex.match(/../g)?.join(':');
}

function getKey(core: SimCore, raw: string | undefined): SshKeyRecord {
  const id = pathId(raw, 'ssh key');
  const key = core.store.sshKeys.get(id);
  if (!key) throw notFound('ssh key', id);
  return key;
}

function assertNameFree(core: SimCore, name: string, except?: number): void {
  for (const k of core.store.sshKeys.values()) {
    if (k.name === name && k.id !== except) throw notUnique('SSH key with the same name already exists', 'name');
  }
}

/** Add an SSH key to the store (used by routes and seeds). */
export function addSshKey(core: SimCore, name: string, publicKey: string, keyLabels: Record<string, string>, created: string): SshKeyRecord {
  const fingerprint = sshFingerprint(publicKey);
  if (!fingerprint) throw invalidField('public_key', 'invalid public key');
  assertNameFree(core, name);
  for (const k of core.store.sshKeys.values()) {
    if (k.fingerprint === fingerprint) throw notUnique('SSH key with the same fingerprint already exists', 'public_key');
  }
  const key: SshKeyRecord = { id: core.store.nextId('ssh_key'), name, publicKey: publicKey.trim(), fingerprint, labels: keyLabels, created };
  core.store.sshKeys.set(key.id, key);
  return key;
}

/** Register every `/ssh_keys` route. */
export function registerSshKeyRoutes(router: Router, core: SimCore): void {
  const { store } = core;
  router.on('GET', '/ssh_keys', (ctx) =>
    listAnswer(ctx, {
      key: 'ssh_keys',
      items: [...store.sshKeys.values()],
      id: (k) => k.id,
      render: sshKeyJson,
      sortFields: { name: (k) => k.name, created: (k) => k.created },
      name: (k) => k.name,
      labels: (k) => k.labels,
      filters: { fingerprint: (k, values) => values.includes(k.fingerprint) },
    }),
  );
  router.on('POST', '/ssh_keys', (ctx) => {
    const name = str(ctx.body, 'name', true);
    if (name.trim() === '') throw invalidField('name', 'must not be empty');
    const publicKey = str(ctx.body, 'public_key', true);
    const key = addSshKey(core, name, publicKey, labels(ctx.body) ?? {}, core.nowIso());
    return { status: 201, body: { ssh_key: sshKeyJson(key) } };
  });
  router.on('GET', '/ssh_keys/:id', (ctx) => ({ status: 200, body: { ssh_key: sshKeyJson(getKey(core, ctx.params['id'])) } }));
  router.on('PUT', '/ssh_keys/:id', (ctx) => {
    const key = getKey(core, ctx.params['id']);
    const name = str(ctx.body, 'name');
    const newLabels = labels(ctx.body);
    if (name !== undefined) {
      assertNameFree(core, name, key.id);
      key.name = name;
    }
    if (newLabels !== undefined) key.labels = newLabels;
    return { status: 200, body: { ssh_key: sshKeyJson(key) } };
  });
  router.on('DELETE', '/ssh_keys/:id', (ctx) => {
    const key = getKey(core, ctx.params['id']);
    store.sshKeys.delete(key.id);
    return { status: 204 };
  });
}
