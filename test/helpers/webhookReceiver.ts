import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback receiver of Cairn's notifications (or any JSON posts: OTLP spans) for tests: answers 200 and keeps every body it got. */
export async function webhookReceiver(): Promise<{ url: string; events: () => { id: string; kind: string; runId: string | null; details: Record<string, unknown> }[]; bodies: () => unknown[]; close(): void }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(body);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    events: () => bodies.map((body) => JSON.parse(body) as { id: string; kind: string; runId: string | null; details: Record<string, unknown> }),
    bodies: () => bodies.map((body) => JSON.parse(body) as unknown),
    close: () => void server.close(),
  };
}
