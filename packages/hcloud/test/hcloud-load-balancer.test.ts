import { beforeEach, describe, expect, it } from 'vitest';
import { hcloudLoadBalancer, hcloudLoadBalancerService, hcloudLoadBalancerTarget } from '../src/index.js';
import { runModule } from './helpers/context.js';
import { useFake } from './helpers/setup.js';

const { fake, api } = useFake();
beforeEach(() => fake.clearLog());

describe('hcloud_load_balancer', () => {
  it('creates, updates and deletes; idempotent', async () => {
    const created = await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-1', load_balancer_type: 'lb11', location: 'nbg1' });
    expect(created).toMatchObject({ changed: true, hcloud_load_balancer: { name: 'lb-1', load_balancer_type: 'lb11', algorithm: 'round_robin', location: 'nbg1', disable_public_interface: false, delete_protection: false, private_ipv4_address: null } });
    expect((await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-1', load_balancer_type: 'lb11', location: 'nbg1' })).changed).toBe(false);
    const updated = await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-1', algorithm: 'least_connections', load_balancer_type: 'lb21', labels: { a: 'b' }, disable_public_interface: true });
    expect(updated).toMatchObject({ changed: true, hcloud_load_balancer: { algorithm: 'least_connections', load_balancer_type: 'lb21', labels: { a: 'b' }, disable_public_interface: true } });
    expect(await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-1', state: 'absent' })).toMatchObject({ changed: true, hcloud_load_balancer: null });
    expect((await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-1', state: 'absent' })).changed).toBe(false);
  });

  it('needs a location or a network zone to create', async () => {
    expect(await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-x', load_balancer_type: 'lb11' })).toMatchObject({ failed: true, msg: 'one of the following is required: location, network_zone' });
  });
});

describe('hcloud_load_balancer_target', () => {
  it('adds and removes server, label selector and IP targets', async () => {
    await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-t', load_balancer_type: 'lb11', location: 'nbg1' });
    fake.addServer({ name: 'backend-1' });
    const server = await runModule(hcloudLoadBalancerTarget, { ...api(), load_balancer: 'lb-t', type: 'server', server: 'backend-1' });
    expect(server).toMatchObject({ changed: true, hcloud_load_balancer_target: { type: 'server', load_balancer: 'lb-t', server: 'backend-1', use_private_ip: false } });
    expect((await runModule(hcloudLoadBalancerTarget, { ...api(), load_balancer: 'lb-t', type: 'server', server: 'backend-1' })).changed).toBe(false);
    expect(await runModule(hcloudLoadBalancerTarget, { ...api(), load_balancer: 'lb-t', type: 'label_selector', label_selector: 'role=web' })).toMatchObject({ changed: true, hcloud_load_balancer_target: { label_selector: 'role=web' } });
    expect(await runModule(hcloudLoadBalancerTarget, { ...api(), load_balancer: 'lb-t', type: 'ip', ip: '192.0.2.10' })).toMatchObject({ changed: true, hcloud_load_balancer_target: { ip: '192.0.2.10' } });
    expect(await runModule(hcloudLoadBalancerTarget, { ...api(), load_balancer: 'lb-t', type: 'server', server: 'backend-1', state: 'absent' })).toMatchObject({ changed: true, hcloud_load_balancer_target: null });
    expect((await runModule(hcloudLoadBalancerTarget, { ...api(), load_balancer: 'lb-t', type: 'server', server: 'backend-1', state: 'absent' })).changed).toBe(false);
    expect(hcloudLoadBalancerTarget.targets({ load_balancer: 'lb-t', type: 'server', server: 'backend-1', state: 'absent' })).toEqual(['backend-1']);
    expect(hcloudLoadBalancerTarget.targets({ load_balancer: 'lb-t', type: 'server', server: 'backend-1' })).toEqual([]);
  });
});

describe('hcloud_load_balancer_service', () => {
  it('adds a service, updates only what differs, deletes it', async () => {
    await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-s', load_balancer_type: 'lb11', location: 'nbg1' });
    const args = { ...api(), load_balancer: 'lb-s', listen_port: 443, destination_port: 8080, protocol: 'https', http: { certificates: ['web-cert'], redirect_http: true }, health_check: { protocol: 'http', port: 8080, interval: 10, timeout: 5, retries: 3, http: { path: '/healthz', status_codes: ['2??'] } } };
    const added = await runModule(hcloudLoadBalancerService, args);
    expect(added).toMatchObject({
      changed: true,
      hcloud_load_balancer_service: { load_balancer: 'lb-s', protocol: 'https', listen_port: 443, destination_port: 8080, proxyprotocol: false, http: { certificates: ['web-cert'], redirect_http: true, sticky_sessions: false }, health_check: { protocol: 'http', port: 8080, http: { path: '/healthz', status_codes: ['2??'] } } },
    });
    fake.clearLog();
    expect((await runModule(hcloudLoadBalancerService, args)).changed).toBe(false);
    expect(fake.writes()).toEqual([]);
    const updated = await runModule(hcloudLoadBalancerService, { ...args, destination_port: 8081 });
    expect(updated).toMatchObject({ changed: true, msg: 'done: update service 443 of load balancer lb-s (destination_port)', hcloud_load_balancer_service: { destination_port: 8081 } });
    expect(await runModule(hcloudLoadBalancerService, { ...api(), load_balancer: 'lb-s', listen_port: 443, state: 'absent' })).toMatchObject({ changed: true, hcloud_load_balancer_service: null });
    expect((await runModule(hcloudLoadBalancerService, { ...api(), load_balancer: 'lb-s', listen_port: 443, state: 'absent' })).changed).toBe(false);
  });

  it('needs destination_port for a tcp service', async () => {
    await runModule(hcloudLoadBalancer, { ...api(), name: 'lb-tcp', load_balancer_type: 'lb11', location: 'nbg1' });
    expect(await runModule(hcloudLoadBalancerService, { ...api(), load_balancer: 'lb-tcp', listen_port: 5432, protocol: 'tcp' })).toMatchObject({ failed: true, msg: 'missing required arguments to create a tcp service: destination_port' });
  });
});
