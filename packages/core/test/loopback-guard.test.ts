import * as net from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { KbrunError } from '../src/errors/kbrun-error.js';
import { dial } from '../src/net/dialer.js';
import { guardedDispatcher } from '../src/net/http-dispatcher.js';
import { enableLoopbackOnly, guardAddress, isLoopbackAddress, loopbackOnly } from '../src/net/loopback-guard.js';

// Every socket the dialer opens goes through this spy, so a refused address provably never creates one.
vi.mock('node:net', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:net')>();
  return { ...actual, connect: vi.fn(actual.connect) };
});
const connectSpy = vi.mocked(net.connect);

// Refused inputs are TEST-NET-1 (192.0.2.0/24, RFC 5737) or names that are never looked up.
const REFUSED = ['192.0.2.1', '::ffff:192.0.2.1', '[::ffff:192.0.2.1]', 'example.com', '0.0.0.0', '127.0.0.1.example.com'];

/** The error a dial raises, whether it throws or rejects. */
async function dialError(host: string, port: number): Promise<unknown> {
  try {
    await dial(host, port);
  } catch (error) {
    return error;
  }
  throw new Error(`dial(${host}) was not refused`);
}

let server: net.Server;
let port: number;

beforeAll(async () => {
  process.env['KBRUN_LOOPBACK_ONLY'] = '1';
  enableLoopbackOnly();
  server = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  connectSpy.mockClear();
});

describe('dial under the loopback guard', () => {
  it('is on', () => {
    expect(loopbackOnly()).toBe(true);
  });

  it.each(REFUSED)('refuses %s with E_NET_GUARD and creates no socket', async (host) => {
    const error = await dialError(host, 22);
    expect(error).toBeInstanceOf(KbrunError);
    expect((error as KbrunError).code).toBe('E_NET_GUARD');
    expect((error as KbrunError).message).toMatch(/loopback-only/);
    expect(connectSpy).not.toHaveBeenCalled();
  });

  it('reports a refusal as a rejected promise, not a synchronous throw, and creates no socket', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = dial('192.0.2.1', 22);
    }).not.toThrow();
    expect(promise).toBeInstanceOf(Promise);
    await expect(promise).rejects.toMatchObject({ code: 'E_NET_GUARD' });
    expect(connectSpy).not.toHaveBeenCalled();
  });

  it.each(['127.0.0.1', 'localhost'])('connects to %s on a local port', async (host) => {
    const socket = await dial(host, port);
    try {
      expect(socket.remoteAddress).toBe('127.0.0.1');
      expect(connectSpy).toHaveBeenCalledTimes(1);
      expect(connectSpy).toHaveBeenCalledWith(expect.objectContaining({ host: '127.0.0.1', port }));
    } finally {
      socket.destroy();
    }
  });
});

describe('guardedDispatcher', () => {
  it('refuses an HTTP request to a non-loopback address before connecting', async () => {
    const dispatcher = guardedDispatcher();
    try {
      const error = await request('http://192.0.2.1/', { dispatcher }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KbrunError);
      expect((error as KbrunError).code).toBe('E_NET_GUARD');
      expect(connectSpy).not.toHaveBeenCalled();
    } finally {
      await dispatcher.close();
    }
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['0.0.0.0', false],
    ['::', false],
    ['192.0.2.1', false],
    ['::ffff:192.0.2.1', false],
    ['localhost', false],
    ['127.0.0.1.example.com', false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('guardAddress', () => {
  it.each([
    ['localhost', '127.0.0.1'],
    ['app.localhost', '127.0.0.1'],
    ['[::1]', '::1'],
    ['127.0.0.5', '127.0.0.5'],
  ])('lets %s through as %s without a DNS lookup', (host, address) => {
    expect(guardAddress(host)).toBe(address);
  });
});
