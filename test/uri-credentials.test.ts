// `uri` credentials end to end: the kbrun binary with -vvv (console and JSON events) against two local origins.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKbrun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

const USER = 'deploy';
const PASSWORD = 'Pw-4g7h1k9m2';

let named: Server;
let other: Server;
let otherBase = '';
const seenByOther: IncomingHttpHeaders[] = [];
let project: TempProject;

/** Starts a server on `address` with `handler`; resolves its base URL. */
async function serve(server: Server, address: string): Promise<string> {
  await new Promise<void>((done) => server.listen(0, address, done));
  return `http://${address}:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  // The origin the task names redirects everything to another origin, which asks for credentials.
  named = createServer((_request, response) => {
    response.writeHead(302, { location: `${otherBase}/secret`, 'content-length': '0' });
    response.end();
  });
  other = createServer((request, response) => {
    seenByOther.push(request.headers);
    response.writeHead(401, { 'www-authenticate': 'Basic realm="other"', 'content-length': '0' });
    response.end();
  });
  const namedBase = await serve(named, '127.0.0.1');
  otherBase = await serve(other, '127.0.0.3');
  const withUserinfo = namedBase.replace('//', `//${USER}:${PASSWORD}@`);
  project = tempProject({
    'site.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - name: credentials in the URL
      uri: { url: "${withUserinfo}/start", status_code: 401 }
    - name: credentials as arguments, after a challenge
      uri: { url: "${namedBase}/start", url_username: ${USER}, url_password: ${PASSWORD}, status_code: 401 }
    - name: credentials as arguments, forced
      uri: { url: "${namedBase}/start", url_username: ${USER}, url_password: ${PASSWORD}, force_basic_auth: true, status_code: 401 }
`,
  });
});

afterAll(async () => {
  for (const server of [named, other]) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
  project?.cleanup();
});

describe('uri credentials', () => {
  it('never reach another origin after a redirect, and -vvv output and JSON events never show them', async () => {
    const outputs: string[] = [];
    for (const args of [['-vvv'], ['--output', 'json', '-vvv']]) {
      const run = await runKbrun([...args, project.path('site.yml')]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      outputs.push(run.stdout, run.stderr);
    }
    const all = outputs.join('\n');
    // The requests are logged at -vvv, without user information.
    expect(all).toContain(`GET ${otherBase}/secret`);
    expect(all).not.toContain(`${USER}:`);
    expect(all).not.toContain(PASSWORD);
    expect(seenByOther).toHaveLength(6);
    expect(seenByOther.map((headers) => headers.authorization)).toEqual(Array(6).fill(undefined));
  });
});
