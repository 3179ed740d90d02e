// The lab's TCP forwarder, run by `kbrun lab up` inside the lab's switch namespace (`ip netns exec`). Its listening
// sockets were created by kbrun in the machine's own namespace on 127.0.0.1 and handed over as file descriptors 3, 4, …
// (a socket keeps the namespace it was created in): it accepts on loopback and connects inside the lab only.
// argv[2]: JSON list of the lab addresses to connect to, one per inherited descriptor, in order; port 22.
import { connect, createServer, type Socket } from 'node:net';

const targets = JSON.parse(process.argv[2] ?? '[]') as string[];
const port = Number(process.argv[3] ?? '22');

function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', close).on('close', close);
  b.on('error', close).on('close', close);
}

targets.forEach((address, index) => {
  const server = createServer((client) => {
    client.pause();
    const upstream = connect({ host: address, port });
    upstream.once('connect', () => client.resume());
    pipeBoth(client, upstream);
  });
  server.on('error', (error) => console.error(`forwarder ${address}:${port}: ${error.message}`));
  server.listen({ fd: 3 + index });
});
process.on('SIGTERM', () => process.exit(0));
