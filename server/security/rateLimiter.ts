/**
 * A token bucket per client: `perMinute` requests, refilled continuously. In memory, per API
 * process: behind a load balancer each replica enforces its own share.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly maxClients = 10_000,
  ) {}

  /** Takes `cost` tokens (one per request, or one per instance); returns 0 when allowed, else the seconds to wait. */
  take(client: string, now = Date.now(), cost = 1): number {
    const bucket = this.buckets.get(client) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    bucket.at = now;
    this.buckets.delete(client); // re-insert: the map's order is least recently used first
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.ceil(((cost - bucket.tokens) * 60_000) / this.perMinute / 1000);
  }
}
