// The image's HEALTHCHECK: exits 0 when CAIRN_HEALTH_URL answers 2xx within 3 s. The API's default
// is its /readyz (Temporal and PostgreSQL answer); a worker sets CAIRN_HEALTH_URL to its
// metrics port's /healthz. Plain Node (fetch), since slim images carry no curl.
/* global fetch, AbortSignal */
import process from 'node:process';

const url = process.env.CAIRN_HEALTH_URL ?? `http://127.0.0.1:${process.env.CAIRN_PORT ?? '8080'}/readyz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
