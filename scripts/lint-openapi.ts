/**
 * Lints the OpenAPI document the API serves (GET /api/v1/openapi.json) with Redocly's recommended
 * rules (redocly.yaml): the document is built exactly as the app builds it, written to a temp file,
 * and handed to the Redocly CLI. Exits with the linter's status (errors fail; warnings are printed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registry } from '../definitions';
import { createApp } from '../server/app';

// The document route reads only the route definitions; it never reaches Temporal.
const client = { connection: { withDeadline: (_deadline: number, call: () => unknown) => call() } };
const app = createApp({ client: client as never, registry, taskQueue: 'lint', temporalUiUrl: null, store: null, artifacts: null, models: null, predictionLog: null, security: {} });
const document = await (await app.request('/api/v1/openapi.json')).text();
const path = join(mkdtempSync(join(tmpdir(), 'cairn-openapi-')), 'openapi.json');
writeFileSync(path, document);
const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(process.execPath, [join(root, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', path, '--config', join(root, 'redocly.yaml'), '--format', 'summary'], {
  stdio: 'inherit',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
});
process.exit(result.status ?? 1);
