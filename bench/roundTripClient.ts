// Sequential keep-alive POSTs from a process of its own: `node --import tsx roundTripClient.ts <url> <count> <body> [key]`.
// Prints JSON {p50, p99} of the round-trip times in ms (the first 10% are warm-up and not counted).
import { Agent, request } from 'node:http';

const [url, countText, body, key] = process.argv.slice(2) as [string, string, string, string | undefined];
const count = Number(countText);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const once = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(key ? { authorization: `Bearer ${key}` } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
const times: number[] = [];
for (let i = 0; i < count; i++) times.push(await once());
const kept = times.slice(Math.floor(count / 10)).sort((a, b) => a - b);
const at = (p: number) => kept[Math.min(kept.length - 1, Math.ceil((p / 100) * kept.length) - 1)];
console.log(JSON.stringify({ p50: at(50), p99: at(99) }));
agent.destroy();
