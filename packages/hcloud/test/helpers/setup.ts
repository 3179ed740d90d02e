// Test support: one fake API per test file, the connection arguments for it, and cleanup of the shared clients.
import { afterAll, beforeAll } from 'vitest';
import { closeHcloudClients } from '../../src/index.js';
import { FakeHcloud, type FakeOptions } from './fake-hcloud.js';

/** A long token, so a leak would be recognisable anywhere. */
export const TOKEN = 'hc-module-test-token-3b8e1f0a9d7c6e52';

/** Starts a fake for the calling file; `api()` gives its connection arguments. */
export function useFake(options: FakeOptions = {}): { readonly fake: FakeHcloud; api(): { api_token: string; api_endpoint: string } } {
  const fake = new FakeHcloud({ token: TOKEN, ...options });
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await closeHcloudClients();
    await fake.stop();
  });
  return { fake, api: () => ({ api_token: TOKEN, api_endpoint: fake.url }) };
}
