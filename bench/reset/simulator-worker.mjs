// bench/reset's simulator in a worker thread: the simulated Hetzner API runs on its own event loop (as the real API
// runs on other machines), so its request handling does not take the CPU time of the kbrun run being measured.
// Messages: the worker posts {url, ssh, state} once listening (ssh: public IPv4 → the loopback host:port of that server's
// SSH banner listener; the simulator keeps a server's port across reboots); on 'finish' it closes the simulator and
// posts {state, requests}.
import { parentPort, workerData } from 'node:worker_threads';
import { createSimulator, loadSeedFile, mergeSeeds } from '@kbrun/hcloud-sim';

const { seedFiles, scale, token } = workerData;
const sim = createSimulator({ seed: mergeSeeds(...seedFiles.map((f) => loadSeedFile(f))), timeScale: scale, tokens: [token], sshPorts: true, requestLogLimit: 1_000_000 });
const { url } = await sim.listen();
await sim.settled();
const ssh = {};
for (const server of sim.state().servers) {
  const ip = server.public_net?.ipv4?.ip;
  const endpoint = ip ? sim.sshEndpoint(server.id) : undefined;
  if (endpoint) ssh[ip] = { host: endpoint.host, port: endpoint.port };
}
parentPort.postMessage({ url, ssh, state: sim.state() });
// The simulator does not hold its event loop open (kbrun --sim runs it in process): this worker does, until 'finish'.
const alive = setInterval(() => undefined, 60_000);
parentPort.once('message', async () => {
  const final = { state: sim.state(), requests: sim.requests() };
  await sim.close();
  clearInterval(alive);
  // The worker ends when this message has gone (closing the port right after posting could drop it).
  parentPort.postMessage(final);
});
