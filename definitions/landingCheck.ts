import { z } from 'zod';
import { definePipeline, onEvent } from '../lib/dsl';
import { report } from './steps/report';
import { requireFile } from './steps/requireFile';

/**
 * Waits for an export file to land, then reports it. When the file is late the check fails after
 * its retries and the run waits for an operator to retry (once the file is there) or skip it.
 */
export const landingCheck = definePipeline({
  id: 'landing-check',
  description: 'Checks that an export file has landed (an operator retries once it has) and reports its hash.',
  params: z.object({ path: z.string().min(1) }),
  steps: {
    landed: { activity: requireFile, config: (p) => ({ path: p.path }), retry: { attempts: 2, backoff: { initial: '500ms' } } },
    report: { activity: report, after: ['landed'] },
  },
  onFailure: { mode: 'await_operator', operatorTimeout: '7d' },
  // POST /api/v1/events/export-landed {"id": "...", "payload": {"path": "..."}}
  triggers: [onEvent('export-landed', { params: (payload) => ({ path: String((payload as { path?: unknown } | null)?.path ?? '') })})],
});
