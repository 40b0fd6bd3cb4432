/** A loopback webhook endpoint for tests: records raw bodies and signatures, answers as told. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  rawBody: string;
  signature: string;
  event: { id: string; type: string; data: { object: { id: string } } };
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves with the first delivery (already in or yet to come) that matches. */
  waitFor(match: (r: Received) => boolean): Promise<Received>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `answer(n)` gives the status for the n-th request (1-based); 200 by default. */
export async function startReceiver(answer: (n: number) => number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<{ match: (r: Received) => boolean; resolve: (r: Received) => void }> = [];
  let count = 0;
  const server = createServer((req, res) => {
    void readBody(req).then((rawBody) => {
      count += 1;
      const status = answer(count);
      if (status >= 200 && status < 300) {
        const r: Received = {
          rawBody,
          signature: String(req.headers['stripe-signature'] ?? ''),
          event: JSON.parse(rawBody) as Received['event'],
        };
        received.push(r);
        for (const w of waiters.filter((x) => x.match(r))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    waitFor(match) {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
