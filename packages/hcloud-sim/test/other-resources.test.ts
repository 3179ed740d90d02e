import { afterEach, describe, expect, it } from 'vitest';
import { ED25519_KEY, ED25519_MD5, fleetSeed, RSA_KEY, RSA_MD5, startSim, waitAction, type SimHarness } from './helpers/sim-client.js';

let h: SimHarness;
afterEach(async () => {
  await h?.close();
});

async function serverId(name: string): Promise<number> {
  return (await h.api('GET', `/servers?name=${name}`)).body.servers[0].id;
}

describe('catalog', () => {
  it('lists and gets images, server types, locations, datacenters and load balancer types in the real shapes', async () => {
    h = await startSim();
    const images = (await h.api('GET', '/images?type=system')).body.images.map((i: any) => i.name);
    expect(images).toEqual(expect.arrayContaining(['ubuntu-24.04', 'ubuntu-22.04', 'debian-12']));
    const ubuntu = (await h.api('GET', '/images?name=ubuntu-24.04')).body.images[0];
    expect(ubuntu).toMatchObject({ type: 'system', status: 'available', os_flavor: 'ubuntu', os_version: '24.04', architecture: 'x86', bound_to: null, deprecated: null });
    expect((await h.api('GET', `/images/${ubuntu.id}`)).body.image.name).toBe('ubuntu-24.04');
    expect((await h.api('GET', '/images?type=snapshot')).body.images).toEqual([]);

    const types = (await h.api('GET', '/server_types?per_page=50')).body.server_types.map((t: any) => t.name);
    expect(types).toEqual(expect.arrayContaining(['cx22', 'cx32', 'cx42', 'cpx11', 'cpx21', 'cpx31']));
    const cx22 = (await h.api('GET', '/server_types?name=cx22')).body.server_types[0];
    expect(cx22).toMatchObject({ cores: 2, memory: 4, disk: 40, storage_type: 'local', cpu_type: 'shared', deprecated: false });
    expect(cx22.prices[0]).toMatchObject({ location: expect.any(String), price_hourly: { net: expect.any(String), gross: expect.any(String) } });
    expect((await h.api('GET', `/server_types/${cx22.id}`)).body.server_type.name).toBe('cx22');

    const locations = (await h.api('GET', '/locations')).body.locations;
    const zones = Object.fromEntries(locations.map((l: any) => [l.name, l.network_zone]));
    expect(zones).toMatchObject({ nbg1: 'eu-central', fsn1: 'eu-central', hel1: 'eu-central', ash: 'us-east', hil: 'us-west' });
    expect(locations[0]).toEqual(
      expect.objectContaining({ id: expect.any(Number), description: expect.any(String), country: expect.any(String), city: expect.any(String), latitude: expect.any(Number), longitude: expect.any(Number) }),
    );
    const dc = (await h.api('GET', '/datacenters?name=nbg1-dc3')).body.datacenters[0];
    expect(dc).toMatchObject({ name: 'nbg1-dc3', location: { name: 'nbg1' } });
    expect(dc.server_types.available).toContain(cx22.id);
    expect((await h.api('GET', '/load_balancer_types')).body.load_balancer_types.map((t: any) => t.name)).toEqual(['lb11', 'lb21', 'lb31']);
    expect((await h.api('GET', '/locations/999')).status).toBe(404);
  });
});

describe('ssh keys', () => {
  it('computes the MD5 fingerprint from the public key, like ssh-keygen -E md5', async () => {
    h = await startSim();
    const ed = await h.api('POST', '/ssh_keys', { name: 'ed', public_key: ED25519_KEY, labels: { owner: 'ops' } });
    expect(ed.status).toBe(201);
    expect(ed.body.ssh_key).toMatchObject({ name: 'ed', fingerprint: ED25519_MD5, public_key: ED25519_KEY, labels: { owner: 'ops' } });
    const rsa = await h.api('POST', '/ssh_keys', { name: 'rsa', public_key: RSA_KEY });
    expect(rsa.body.ssh_key.fingerprint).toBe(RSA_MD5);
    const sameKey = await h.api('POST', '/ssh_keys', { name: 'other', public_key: ED25519_KEY });
    expect(sameKey.status).toBe(409);
    expect(sameKey.body.error).toEqual({
      code: 'uniqueness_error',
      message: 'SSH key with the same fingerprint already exists',
      details: { fields: [{ name: 'public_key' }] },
    });
    expect((await h.api('POST', '/ssh_keys', { name: 'ed', public_key: RSA_KEY.replace('rsa-test', 'x') })).status).toBe(409);
    const garbage = await h.api('POST', '/ssh_keys', { name: 'bad', public_key: 'ssh-rsa not-base64!' });
    expect(garbage.status).toBe(422);
    expect((await h.api('GET', `/ssh_keys?fingerprint=${RSA_MD5}`)).body.ssh_keys.map((k: any) => k.name)).toEqual(['rsa']);
    expect((await h.api('GET', '/ssh_keys?label_selector=owner=ops')).body.ssh_keys.map((k: any) => k.name)).toEqual(['ed']);
    const put = await h.api('PUT', `/ssh_keys/${ed.body.ssh_key.id}`, { name: 'ed-renamed' });
    expect(put.body.ssh_key.name).toBe('ed-renamed');
    expect((await h.api('DELETE', `/ssh_keys/${ed.body.ssh_key.id}`)).status).toBe(204);
    expect((await h.api('GET', `/ssh_keys/${ed.body.ssh_key.id}`)).status).toBe(404);
  });
});

describe('networks', () => {
  it('creates networks, adds and deletes subnets, attaches servers, deletes', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001, actionDurations: { add_subnet: 100 } });
    const seeded = (await h.api('GET', '/networks')).body.networks;
    expect(seeded).toHaveLength(1);
    expect(seeded[0]).toMatchObject({ ip_range: '10.0.0.0/16', subnets: [{ type: 'cloud', ip_range: '10.0.0.0/24', gateway: '10.0.0.1' }] });
    expect(seeded[0].servers).toHaveLength(5);

    const res = await h.api('POST', '/networks', { name: 'lan', ip_range: '10.1.0.0/16', labels: { a: 'b' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['network']);
    const id = res.body.network.id;
    expect(res.body.network).toMatchObject({ name: 'lan', subnets: [], routes: [], servers: [], protection: { delete: false }, expose_routes_to_vswitch: false });
    const add = await h.api('POST', `/networks/${id}/actions/add_subnet`, { type: 'cloud', network_zone: 'eu-central' });
    expect(add.status).toBe(201);
    expect(add.body.action.command).toBe('add_subnet');
    expect((await h.api('POST', `/networks/${id}/actions/add_subnet`, { type: 'cloud', network_zone: 'eu-central', ip_range: '10.1.1.0/24' })).body.error.code).toBe('conflict');
    await waitAction(h, add.body.action.id);
    const add2 = await h.api('POST', `/networks/${id}/actions/add_subnet`, { type: 'cloud', network_zone: 'eu-central', ip_range: '10.1.1.0/24' });
    expect(add2.status).toBe(201);
    await waitAction(h, add2.body.action.id);
    expect((await h.api('GET', `/networks/${id}`)).body.network.subnets.map((s: any) => s.ip_range)).toEqual(['10.1.0.0/24', '10.1.1.0/24']);
    expect((await h.api('POST', `/networks/${id}/actions/add_subnet`, { type: 'cloud', network_zone: 'eu-central', ip_range: '10.2.0.0/24' })).status).toBe(422);
    expect((await h.api('POST', '/networks', { name: 'public', ip_range: '8.8.0.0/16' })).status).toBe(422);

    const sid = await serverId('web-02');
    const attach = await h.api('POST', `/servers/${sid}/actions/attach_to_network`, { network: id });
    expect(attach.body.action.command).toBe('attach_to_network');
    await waitAction(h, attach.body.action.id);
    const server = (await h.api('GET', `/servers/${sid}`)).body.server;
    expect(server.private_net.map((p: any) => p.ip)).toEqual(['10.0.0.22', '10.1.0.2']);
    const busy = await h.api('POST', `/networks/${id}/actions/delete_subnet`, { ip_range: '10.1.0.0/24' });
    expect(busy.status).toBe(422);
    const del = await h.api('POST', `/networks/${id}/actions/delete_subnet`, { ip_range: '10.1.1.0/24' });
    expect(del.status).toBe(201);
    await waitAction(h, del.body.action.id);
    expect((await h.api('PUT', `/networks/${id}`, { name: 'lan-2' })).body.network.name).toBe('lan-2');
    expect((await h.api('DELETE', `/networks/${id}`)).status).toBe(204);
    expect((await h.api('GET', `/servers/${sid}`)).body.server.private_net).toHaveLength(1);
  });
});

describe('firewalls', () => {
  it('creates with rules and targets, sets rules, applies and removes, refuses delete while applied', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001, actionDurations: { apply_firewall: 200 } });
    const sid = await serverId('web-01');
    const rules = [
      { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'], description: 'ssh' },
      { direction: 'in', protocol: 'icmp', source_ips: ['0.0.0.0/0'] },
    ];
    const res = await h.api('POST', '/firewalls', { name: 'base', rules, apply_to: [{ type: 'server', server: { id: sid } }] });
    expect(res.status).toBe(201);
    expect(res.body.actions.map((a: any) => a.command)).toEqual(['set_firewall_rules', 'apply_firewall']);
    const fw = res.body.firewall;
    expect(fw.rules[1]).toEqual({ direction: 'in', protocol: 'icmp', port: null, source_ips: ['0.0.0.0/0'], destination_ips: [], description: null });
    expect(fw.applied_to).toEqual([{ type: 'server', server: { id: sid } }]);
    expect((await h.api('GET', `/servers/${sid}`)).body.server.public_net.firewalls).toEqual([{ id: fw.id, status: 'pending' }]);
    await waitAction(h, res.body.actions[1].id);
    expect((await h.api('GET', `/servers/${sid}`)).body.server.public_net.firewalls).toEqual([{ id: fw.id, status: 'applied' }]);

    const again = await h.api('POST', `/firewalls/${fw.id}/actions/apply_to_resources`, { apply_to: [{ type: 'server', server: { id: sid } }] });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('firewall_already_applied');
    const missing = await h.api('POST', `/firewalls/${fw.id}/actions/apply_to_resources`, { apply_to: [{ type: 'server', server: { id: 1 } }] });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('firewall_resource_not_found');
    const bySelector = await h.api('POST', `/firewalls/${fw.id}/actions/apply_to_resources`, { apply_to: [{ type: 'label_selector', label_selector: { selector: 'role=postgres' } }] });
    expect(bySelector.status).toBe(201);
    const shown = (await h.api('GET', `/firewalls/${fw.id}`)).body.firewall;
    expect(shown.applied_to[1].applied_to_resources).toHaveLength(2);

    const badRule = await h.api('POST', `/firewalls/${fw.id}/actions/set_rules`, { rules: [{ direction: 'in', protocol: 'tcp', source_ips: ['0.0.0.0/0'] }] });
    expect(badRule.status).toBe(422);
    const set = await h.api('POST', `/firewalls/${fw.id}/actions/set_rules`, { rules: [] });
    expect(set.body.actions[0].command).toBe('set_firewall_rules');
    expect((await h.api('DELETE', `/firewalls/${fw.id}`)).body.error.code).toBe('resource_in_use');
    const remove = await h.api('POST', `/firewalls/${fw.id}/actions/remove_from_resources`, {
      remove_from: [{ type: 'server', server: { id: sid } }, { type: 'label_selector', label_selector: { selector: 'role=postgres' } }],
    });
    expect(remove.body.actions.map((a: any) => a.command)).toEqual(['remove_firewall', 'remove_firewall']);
    expect((await h.api('PUT', `/firewalls/${fw.id}`, { labels: { x: 'y' } })).body.firewall.labels).toEqual({ x: 'y' });
    expect((await h.api('DELETE', `/firewalls/${fw.id}`)).status).toBe(204);
  });
});

describe('load balancers', () => {
  it('creates, adds targets and services, attaches to a network, deletes', async () => {
    h = await startSim({ seed: fleetSeed(), timeScale: 0.001, actionDurations: { create_load_balancer: 200 } });
    const web01 = await serverId('web-01');
    const res = await h.api('POST', '/load_balancers', { name: 'front', load_balancer_type: 'lb11', location: 'nbg1', labels: { tier: 'front' } });
    expect(res.status).toBe(201);
    expect(res.body.action.command).toBe('create_load_balancer');
    const lb = res.body.load_balancer;
    expect(lb).toMatchObject({ name: 'front', load_balancer_type: { name: 'lb11' }, location: { name: 'nbg1' }, algorithm: { type: 'round_robin' }, services: [], targets: [] });
    expect(lb.public_net.enabled).toBe(true);
    expect((await h.api('POST', `/load_balancers/${lb.id}/actions/add_target`, { type: 'server', server: { id: web01 } })).body.error.code).toBe('locked');
    await waitAction(h, res.body.action.id);

    const target = await h.api('POST', `/load_balancers/${lb.id}/actions/add_target`, { type: 'server', server: { id: web01 } });
    expect(target.body.action.command).toBe('add_target');
    await waitAction(h, target.body.action.id);
    const dup = await h.api('POST', `/load_balancers/${lb.id}/actions/add_target`, { type: 'server', server: { id: web01 } });
    expect(dup.body.error.code).toBe('target_already_defined');
    const priv = await h.api('POST', `/load_balancers/${lb.id}/actions/add_target`, { type: 'label_selector', label_selector: { selector: 'role=web' }, use_private_ip: true });
    await waitAction(h, priv.body.action.id);
    const service = await h.api('POST', `/load_balancers/${lb.id}/actions/add_service`, { protocol: 'http', listen_port: 80, destination_port: 8080 });
    await waitAction(h, service.body.action.id);
    const usedPort = await h.api('POST', `/load_balancers/${lb.id}/actions/add_service`, { protocol: 'tcp', listen_port: 80 });
    expect(usedPort.status).toBe(412);
    expect(usedPort.body.error.code).toBe('source_port_already_used');
    const update = await h.api('POST', `/load_balancers/${lb.id}/actions/update_service`, { listen_port: 80, destination_port: 9090 });
    await waitAction(h, update.body.action.id);
    const net = (await h.api('GET', '/networks')).body.networks[0];
    const attach = await h.api('POST', `/load_balancers/${lb.id}/actions/attach_to_network`, { network: net.id });
    await waitAction(h, attach.body.action.id);
    const shown = (await h.api('GET', `/load_balancers/${lb.id}`)).body.load_balancer;
    expect(shown.services).toHaveLength(1);
    expect(shown.services[0]).toMatchObject({ protocol: 'http', listen_port: 80, destination_port: 9090, health_check: { protocol: 'tcp', port: 8080 } });
    expect(shown.services[0].http.cookie_name).toBe('HCLBSTICKY');
    expect(shown.targets[0]).toMatchObject({ type: 'server', server: { id: web01 }, use_private_ip: false, health_status: [{ listen_port: 80, status: 'healthy' }] });
    expect(shown.targets[1].targets.map((t: any) => t.server.id)).toHaveLength(2);
    expect(shown.private_net).toEqual([{ network: net.id, ip: expect.stringMatching(/^10\.0\.0\./) }]);
    expect((await h.api('GET', `/servers/${web01}`)).body.server.load_balancers).toEqual([lb.id]);
    const delSvc = await h.api('POST', `/load_balancers/${lb.id}/actions/delete_service`, { listen_port: 80 });
    await waitAction(h, delSvc.body.action.id);
    const remove = await h.api('POST', `/load_balancers/${lb.id}/actions/remove_target`, { type: 'server', server: { id: web01 } });
    await waitAction(h, remove.body.action.id);
    expect((await h.api('GET', `/load_balancers/${lb.id}`)).body.load_balancer.targets).toHaveLength(1);
    expect((await h.api('GET', '/load_balancers?label_selector=tier=front')).body.load_balancers).toHaveLength(1);
    expect((await h.api('DELETE', `/load_balancers/${lb.id}`)).status).toBe(204);
    expect((await h.api('GET', `/load_balancers/${lb.id}`)).status).toBe(404);
  });
});
