import { Ajv } from 'ajv';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellJoin, type Connection, type ExecOptions, type ExecResult, type ModuleContext, type ModuleResult, type AnyModule } from '@kbrun/core';
import { encodeCommand, parseInfo, parseServersState, redisModules, RespClient } from '../src/index.js';
import { normalizeConfigValue } from '../src/modules/redis.js';

// The pack against a small fake Redis/Sentinel on 127.0.0.1:0 (RESP over a real socket, reached through the
// connection's openTcp as on a target) and a scripted HAProxy runtime API (the commands the module sends to socat/nc).

const PASSWORD = 'fake-redis-password-0123456789';

/** A fake server: AUTH, INFO, CONFIG GET/SET/REWRITE, REPLICAOF, GET/SET/DEL, SENTINEL …; records every command. */
class FakeRedis {
  readonly commands: string[][] = [];
  readonly config = new Map<string, string>([['maxmemory', '104857600'], ['appendonly', 'yes']]);
  readonly data = new Map<string, string>();
  readonly sentinelSettings = new Map<string, string>([['quorum', '2'], ['down-after-milliseconds', '5000'], ['failover-timeout', '60000'], ['parallel-syncs', '1']]);
  role: 'master' | 'slave' = 'master';
  masterHost = '';
  masterPort = 0;
  server: Server;
  port = 0;

  constructor() {
    this.server = createServer((socket) => this.serve(socket));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  private serve(socket: Socket): void {
    let authed = false;
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        const parsed = parseCommand(buffer);
        if (!parsed) break;
        buffer = buffer.slice(parsed.length);
        const [name, ...args] = parsed.args;
        this.commands.push(parsed.args);
        const upper = name!.toUpperCase();
        if (upper === 'AUTH') {
          authed = args.at(-1) === PASSWORD;
          socket.write(authed ? '+OK\r\n' : '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
          continue;
        }
        if (!authed) {
          socket.write('-NOAUTH Authentication required.\r\n');
          continue;
        }
        socket.write(this.answer(upper, args));
      }
    });
  }

  private answer(name: string, args: string[]): string {
    const bulk = (s: string | null) => (s === null ? '$-1\r\n' : `$${Buffer.byteLength(s)}\r\n${s}\r\n`);
    const array = (items: string[]) => `*${items.length}\r\n${items.map(bulk).join('')}`;
    switch (name) {
      case 'INFO': {
        const replication = this.role === 'master' ? 'role:master\r\nconnected_slaves:2' : `role:slave\r\nmaster_host:${this.masterHost}\r\nmaster_port:${this.masterPort}\r\nmaster_link_status:up`;
        return bulk(`# Server\r\nredis_version:7.0.15\r\nrun_id:abc\r\n\r\n# Replication\r\n${replication}\r\n\r\n# Keyspace\r\ndb0:keys=${this.data.size},expires=0,avg_ttl=0\r\n`);
      }
      case 'CONFIG':
        if (args[0]!.toUpperCase() === 'GET') return this.config.has(args[1]!) ? array([args[1]!, this.config.get(args[1]!)!]) : array([]);
        if (args[0]!.toUpperCase() === 'SET') {
          this.config.set(args[1]!, args[2]!);
          return '+OK\r\n';
        }
        return '+OK\r\n';
      case 'REPLICAOF':
        if (args[0]!.toUpperCase() === 'NO') this.role = 'master';
        else [this.role, this.masterHost, this.masterPort] = ['slave', args[0]!, Number(args[1])];
        return '+OK\r\n';
      case 'GET':
        return bulk(this.data.get(args[0]!) ?? null);
      case 'SET':
        this.data.set(args[0]!, args[1]!);
        return '+OK\r\n';
      case 'DEL':
        return `:${this.data.delete(args[0]!) ? 1 : 0}\r\n`;
      case 'SENTINEL':
        switch (args[0]!.toUpperCase()) {
          case 'MASTERS':
            return `*1\r\n${array(['name', 'keybuzz-redis', 'ip', '10.0.0.123', 'port', '6379', 'flags', 'master'])}`;
          case 'GET-MASTER-ADDR-BY-NAME':
            return args[1] === 'keybuzz-redis' ? array(['10.0.0.123', '6379']) : '*-1\r\n';
          case 'REPLICAS':
            return `*2\r\n${array(['ip', '10.0.0.124', 'flags', 'slave'])}${array(['ip', '10.0.0.125', 'flags', 'slave'])}`;
          case 'SENTINELS':
            return `*2\r\n${array(['ip', '10.0.0.124'])}${array(['ip', '10.0.0.125'])}`;
          case 'MASTER':
            return args[1] === 'keybuzz-redis' ? array(['name', 'keybuzz-redis', ...[...this.sentinelSettings].flat()]) : '-ERR No such master with that name\r\n';
          case 'SET':
            for (let i = 2; i + 1 < args.length; i += 2) this.sentinelSettings.set(args[i]!, args[i + 1]!);
            return '+OK\r\n';
          case 'CKQUORUM':
            return '+OK 3 usable Sentinels. Quorum and failover authorization can be reached\r\n';
        }
        return '-ERR unknown subcommand\r\n';
      default:
        return `-ERR unknown command '${name}'\r\n`;
    }
  }
}

/** One RESP command (array of bulk strings) at the start of `text`, or undefined when incomplete. */
function parseCommand(text: string): { args: string[]; length: number } | undefined {
  const match = /^\*(\d+)\r\n/.exec(text);
  if (!match) return undefined;
  let offset = match[0].length;
  const args: string[] = [];
  for (let i = 0; i < Number(match[1]); i += 1) {
    const header = /^\$(\d+)\r\n/.exec(text.slice(offset));
    if (!header) return undefined;
    offset += header[0].length;
    const length = Number(header[1]);
    if (text.length < offset + length + 2) return undefined;
    args.push(text.slice(offset, offset + length));
    offset += length + 2;
  }
  return { args, length: offset };
}

/** A target whose openTcp reaches the fake server and whose exec answers HAProxy's runtime API from a script. */
class Target implements Connection {
  readonly kind = 'ssh';
  readonly runtime: string[] = [];
  constructor(
    private readonly redisPort: number,
    private readonly serversState: () => string,
  ) {}
  async exec(command: string | readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const line = typeof command === 'string' ? command : shellJoin(command);
    const input = String(options.stdin ?? '').trim();
    if (!line.includes('UNIX-CONNECT')) return { rc: 1, stdout: '', stderr: `unexpected ${line}` };
    this.runtime.push(input);
    if (input.startsWith('show servers state')) return { rc: 0, stdout: this.serversState(), stderr: '' };
    return { rc: 0, stdout: '\n', stderr: '' };
  }
  async put(): Promise<void> {}
  async get(): Promise<Buffer | null> {
    return null;
  }
  async openTcp(host: string, port: number): Promise<Duplex> {
    expect(host).toBe('127.0.0.1');
    const socket = connect(port === 6379 || port === 26379 ? this.redisPort : port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return socket;
  }
  async close(): Promise<void> {}
}

function context(connection: Connection, check = false): ModuleContext {
  return {
    host: 'redis-01',
    vars: {},
    connection,
    check,
    diff: false,
    signal: new AbortController().signal,
    environment: {},
    evaluate: () => undefined,
    findFile: (_kind, path) => path,
    sleep: async () => {},
    progress: () => {},
    log: () => {},
    isProtected: () => false,
  };
}

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true, useDefaults: true });

/** Runs a module as the engine would: arguments validated (and defaults filled) by its schema first. */
async function run(module: AnyModule, args: Record<string, unknown>, connection: Connection, check = false): Promise<ModuleResult> {
  const validate = ajv.compile(module.schema);
  const copy = structuredClone(args);
  expect(validate(copy), JSON.stringify(validate.errors)).toBe(true);
  return module.run(copy, context(connection, check));
}

const STATE = (admin: [number, number, number]) =>
  [
    '1',
    '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port',
    `3 be_redis_master 1 redis-01 10.0.0.123 2 ${admin[0]} 1 1 5 6 3 4 6 0 0 0 - 6379 - 0 0 - - 0`,
    `3 be_redis_master 2 redis-02 10.0.0.124 0 ${admin[1]} 1 1 5 6 3 4 6 0 0 0 - 6379 - 0 0 - - 0`,
    `3 be_redis_master 3 redis-03 10.0.0.125 0 ${admin[2]} 1 1 5 6 3 4 6 0 0 0 - 6379 - 0 0 - - 0`,
    '',
  ].join('\n');

describe('@kbrun/modules-redis', () => {
  const fake = new FakeRedis();
  let target: Target;
  let admin: [number, number, number] = [4, 5, 5];

  beforeAll(async () => {
    await fake.start();
    target = new Target(fake.port, () => STATE(admin));
  });
  afterAll(() => fake.server.close());

  it('registers its modules with strict schemas and check mode', () => {
    expect(Object.keys(redisModules).sort()).toEqual(['haproxy', 'haproxy_server', 'redis', 'redis_data', 'redis_data_info', 'redis_info', 'redis_sentinel', 'redis_sentinel_info']);
    for (const [key, module] of Object.entries(redisModules)) {
      expect(module.name).toBe(key);
      expect(module.check).toBe('full');
      expect(module.schema.additionalProperties).toBe(false);
      expect(() => ajv.compile(module.schema)).not.toThrow();
    }
  });

  it('encodes commands and parses INFO and show servers state', () => {
    expect(encodeCommand(['SET', 'k', 'é']).toString()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n');
    expect(parseInfo('# Replication\r\nrole:master\r\nconnected_slaves:2\r\n')).toEqual({ replication: { role: 'master', connected_slaves: 2 } });
    expect(parseServersState(STATE([4, 5, 8])).map((s) => [s.server, s.adminState, s.opState])).toEqual([
      ['redis-01', 4, 2],
      ['redis-02', 5, 0],
      ['redis-03', 8, 0],
    ]);
    expect(normalizeConfigValue('100mb')).toBe('104857600');
    expect(normalizeConfigValue('1gb')).toBe(String(1024 ** 3));
    expect(normalizeConfigValue('YES')).toBe('yes');
  });

  it('a RESP client gets replies split across chunks in order', async () => {
    const socket = connect(fake.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const client = new RespClient(socket);
    expect(await client.call('AUTH', PASSWORD)).toBe('OK');
    const replies = await Promise.all([client.call('SET', 'a', 'x'.repeat(100_000)), client.call('GET', 'a'), client.call('GET', 'missing')]);
    expect(replies[0]).toBe('OK');
    expect(String(replies[1]).length).toBe(100_000);
    expect(replies[2]).toBeNull();
    client.close();
  });

  it('redis_info authenticates and returns INFO as a mapping; a wrong password is a failure, not a crash', async () => {
    const info = await run(redisModules['redis_info']!, { login_password: PASSWORD, section: 'everything' }, target);
    expect(info).toMatchObject({ changed: false, info: { role: 'master', redis_version: '7.0.15' } });
    const wrong = await run(redisModules['redis_info']!, { login_password: 'not-the-password' }, target);
    expect(wrong).toMatchObject({ failed: true, changed: false });
    expect(String(wrong['msg'])).toContain('WRONGPASS');
    expect(String(wrong['msg'])).not.toContain('not-the-password');
  });

  it('redis config: CONFIG SET only when the value differs (units compare as bytes); check mode changes nothing', async () => {
    const same = await run(redisModules['redis']!, { command: 'config', login_password: PASSWORD, name: 'maxmemory', value: '100mb' }, target);
    expect(same['changed']).toBe(false);
    const checked = await run(redisModules['redis']!, { command: 'config', login_password: PASSWORD, name: 'maxmemory', value: '200mb' }, target, true);
    expect(checked['changed']).toBe(true);
    expect(fake.config.get('maxmemory')).toBe('104857600');
    const set = await run(redisModules['redis']!, { command: 'config', login_password: PASSWORD, name: 'maxmemory', value: '200mb', rewrite: true }, target);
    expect(set['changed']).toBe(true);
    expect(fake.commands.slice(-2)).toEqual([['CONFIG', 'SET', 'maxmemory', '200mb'], ['CONFIG', 'REWRITE']]);
  });

  it('redis replica: REPLICAOF only when INFO replication says otherwise', async () => {
    const args = { command: 'replica', login_password: PASSWORD, master_host: '10.0.0.124', master_port: 6379 };
    expect((await run(redisModules['redis']!, args, target))['changed']).toBe(true);
    expect((await run(redisModules['redis']!, args, target))['changed']).toBe(false);
    expect((await run(redisModules['redis']!, { command: 'replica', replica_mode: 'master', login_password: PASSWORD }, target))['changed']).toBe(true);
    expect(fake.role).toBe('master');
  });

  it('redis_data sets a key only when it differs; redis_data_info reads it', async () => {
    const args = { login_password: PASSWORD, key: 'k1', value: 'v1' };
    expect((await run(redisModules['redis_data']!, args, target, true))['changed']).toBe(true);
    expect(fake.data.has('k1')).toBe(false);
    expect((await run(redisModules['redis_data']!, args, target))['changed']).toBe(true);
    expect((await run(redisModules['redis_data']!, args, target))['changed']).toBe(false);
    expect(await run(redisModules['redis_data_info']!, { login_password: PASSWORD, key: 'k1' }, target)).toMatchObject({ exists: true, value: 'v1' });
    expect((await run(redisModules['redis_data']!, { login_password: PASSWORD, key: 'k1', state: 'absent' }, target))['changed']).toBe(true);
  });

  it("redis_sentinel_info gives the master, replicas, Sentinels and the quorum as one Sentinel sees them", async () => {
    const view = await run(redisModules['redis_sentinel_info']!, { login_password: PASSWORD, name: 'keybuzz-redis' }, target);
    expect(view).toMatchObject({ changed: false, master: { host: '10.0.0.123', port: 6379 }, master_down: false, quorum_ok: true });
    expect((view['replicas'] as unknown[]).length).toBe(2);
    expect((view['sentinels'] as unknown[]).length).toBe(2);
    expect(fake.commands.at(-1)).toEqual(['SENTINEL', 'CKQUORUM', 'keybuzz-redis']);
  });

  it('redis_sentinel sends SENTINEL SET only for the settings that differ', async () => {
    const module = redisModules['redis_sentinel']!;
    const same = { login_password: PASSWORD, name: 'keybuzz-redis', quorum: 2, down_after_milliseconds: 5000 };
    expect((await run(module, same, target))['changed']).toBe(false);
    const change = { ...same, down_after_milliseconds: 3000, parallel_syncs: 1 };
    expect((await run(module, change, target, true))['changed']).toBe(true);
    expect(fake.sentinelSettings.get('down-after-milliseconds')).toBe('5000');
    expect(await run(module, change, target)).toMatchObject({ changed: true, set: { 'down-after-milliseconds': '3000' } });
    expect(fake.commands.at(-1)).toEqual(['SENTINEL', 'SET', 'keybuzz-redis', 'down-after-milliseconds', '3000']);
    expect((await run(module, change, target))['changed']).toBe(false);
    expect(await run(module, { login_password: PASSWORD, name: 'other' }, target)).toMatchObject({ failed: true });
  });

  it('haproxy sends only the state changes needed, through the runtime API', async () => {
    admin = [4, 5, 5]; // redis-01 ready (configuration `disabled` flag 0x04 left), the others in maintenance
    const module = redisModules['haproxy_server']!;
    const ready = await run(module, { state: 'enabled', host: 'redis-01', backend: 'be_redis_master' }, target);
    expect(ready['changed']).toBe(false);
    const before = target.runtime.length;
    const maint = await run(module, { state: 'disabled', host: 'redis-01', backend: 'be_redis_master', shutdown_sessions: true }, target, true);
    expect(maint).toMatchObject({ changed: true, commands: ['set server be_redis_master/redis-01 state maint', 'shutdown sessions server be_redis_master/redis-01'] });
    expect(target.runtime.slice(before)).toEqual(['show servers state']);
    const enable = await run(module, { state: 'enabled', host: 'redis-02' }, target);
    expect(enable['changed']).toBe(true);
    expect(target.runtime).toContain('set server be_redis_master/redis-02 state ready');
    const missing = await run(module, { state: 'enabled', host: 'redis-09', fail_on_not_found: true }, target);
    expect(missing).toMatchObject({ failed: true });
  });
});
