/**
 * Cairn deployed as containers, for real, with podman (no Docker engine here): the images built
 * from the Dockerfile, the compose stack (deploy/compose.yaml through podman-compose) running a
 * pipeline through its API while a worker container is killed mid-step, Prometheus scraping every
 * process, and the Kubernetes manifests (deploy/kubernetes/base) played with `podman kube play`
 * against the compose stack's Temporal (as an external cluster) and this machine's PostgreSQL.
 * `npm run test:deploy`; its timings are printed at the end (deploy/README.md records them).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../../lib/freePort';
import { kustomize, podSpecOf, type Resource } from '../helpers/kustomize';
import { waitFor } from '../helpers/waitFor';
import { must, PODMAN_COMPOSE, podman, REPO, run } from './podman';
import { stackApi } from './stack';

const PROJECT = 'cairn-deploy-test';
const timings: Record<string, number> = {};
const secret = (bytes = 16) => randomBytes(bytes).toString('hex');
const keys = { admin: secret(), metrics: secret(), spec: secret(32), postgres: secret(8) };
let ports: Record<'api' | 'temporal' | 'temporalUi' | 'prometheus' | 'kubeApi' | 'kubeMetrics' | 'kubeTrainMetrics' | 'kubePythonMetrics', number>;
let composeEnv: Record<string, string>;
const COMPOSE_FILES = ['-p', PROJECT, '-f', 'deploy/compose.yaml', '-f', 'test/deploy/compose.test.yaml', '--profile', 'python'];
const compose = (...args: string[]) => must(PODMAN_COMPOSE, [...COMPOSE_FILES, ...args], composeEnv);
const container = (service: string) => `${PROJECT}_${service}_1`;
const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[label] = (Date.now() - started) / 1000;
  }
};

beforeAll(async () => {
  await timed('build images (scripts/podman-images.sh)', () => must('bash', ['scripts/podman-images.sh'], {}, 1_200_000));
  ports = { api: await freePort(), temporal: await freePort(), temporalUi: await freePort(), prometheus: await freePort(), kubeApi: await freePort(), kubeMetrics: await freePort(), kubeTrainMetrics: await freePort(), kubePythonMetrics: await freePort() };
  composeEnv = {
    CAIRN_IMAGE: 'localhost/cairn:dev',
    CAIRN_TEMPORAL_IMAGE: 'localhost/cairn-temporal:dev',
    CAIRN_POSTGRES_IMAGE: 'localhost/postgres:local',
    CAIRN_PROMETHEUS_IMAGE: 'localhost/prometheus:local',
    CAIRN_PYTHON_IMAGE: 'localhost/cairn-python:dev',
    CAIRN_PYTHON_MODULE: '/app/project/definitions/python/drill_steps.py',
    CAIRN_ADMIN_KEY: keys.admin,
    CAIRN_METRICS_KEY: keys.metrics,
    CAIRN_SPEC_SECRET: keys.spec,
    POSTGRES_PASSWORD: keys.postgres,
    CAIRN_API_PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    PROMETHEUS_PORT: String(ports.prometheus),
    DRILL_DEFINITIONS: join(REPO, 'test/deploy/definitions'),
  };
  await run(PODMAN_COMPOSE, [...COMPOSE_FILES, 'down', '-v'], composeEnv);
  await timed('compose up to a ready API', async () => {
    await compose('up', '-d', '--no-build');
    await stackApi(`http://127.0.0.1:${ports.api}`, keys.admin).ready();
  });
}, 1_500_000);

afterAll(async () => {
  if (composeEnv) await run(PODMAN_COMPOSE, [...COMPOSE_FILES, 'down', '-v'], composeEnv);
  console.log(`deploy test timings (s): ${JSON.stringify(timings)}`);
});

describe('the image', () => {
  it('runs as a non-root user and carries a healthcheck that passes on a running API and worker', async () => {
    const id = await podman('run', '--rm', '--entrypoint', 'id', 'localhost/cairn:dev', '-u');
    expect(Number(/^\d+$/m.exec(id)?.[0])).toBeGreaterThan(0);
    const healthcheck = JSON.parse((await podman('image', 'inspect', 'localhost/cairn:dev', '--format', '{{json .Config.Healthcheck}}')).trim().split('\n').pop() ?? '{}') as { Test?: string[] };
    expect(healthcheck.Test?.join(' ')).toContain('healthcheck.mjs');
    // No systemd here to run the checks on a timer: run each once, as the timer would.
    for (const service of ['api', 'worker-1']) expect((await run('podman', ['healthcheck', 'run', container(service)])).code, service).toBe(0);
  });
});

describe('the compose stack (deploy/compose.yaml)', () => {
  const api = () => stackApi(`http://127.0.0.1:${ports.api}`, keys.admin);

  it('runs a pipeline through its API to success while the worker running its step is killed', async () => {
    const { runId } = await api().start('deploy-drill', { seconds: 10 });
    // Which pipeline worker took the slow step: the step prints its run id and host as it starts.
    const [victim, host] = await waitFor(async () => {
      for (const service of ['worker-1', 'worker-2']) {
        const line = (await run('podman', ['logs', container(service)])).out.split('\n').find((l) => l.startsWith(`crunch ${runId} attempt 1 on `));
        if (line) return [service, line.split(' on ').pop() ?? ''] as const;
      }
      return undefined;
    }, 'the crunch step to start on a worker', 120_000, 500);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // mid-step
    await podman('kill', '--signal', 'KILL', container(victim));
    const view = await timed('run with a killed worker', () => api().finished(runId));
    await podman('start', container(victim));
    const steps = Object.fromEntries((view.steps ?? []).map((s) => [s.name, s]));
    expect(steps.load?.status).toBe('succeeded');
    // The step ran again on the other worker; a lost worker is Temporal's infrastructure, so it costs no attempt.
    const crunch = steps.crunch?.output as { host: string; attempt: number };
    expect(crunch.host).not.toBe(host);
    expect(steps.crunch?.infrastructureRetries ?? 0).toBeGreaterThanOrEqual(1);
    const hostOf = async (service: string) => (await podman('inspect', container(service), '--format', '{{.Config.Hostname}}')).trim().split('\n').pop();
    expect((steps.train?.output as { host: string }).host).toBe(await hostOf('train-worker'));
    // The Python step: pandas read ingest's Parquet in the python-worker image.
    expect(steps.hottest?.output).toMatchObject({ sensor: expect.any(String), rows: 144, host: await hostOf('python-worker') });
  });

  it('has Prometheus scraping the API (with its viewer key) and every worker, both Cairn and SDK metrics', async () => {
    const targets = await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${ports.prometheus}/api/v1/targets`);
      const body = (await response.json()) as { data: { activeTargets: { labels: { instance: string }; health: string }[] } };
      const active = body.data.activeTargets;
      return active.length === 7 && active.every((t) => t.health === 'up') ? active : undefined;
    }, 'every scrape target up', 120_000, 500);
    expect(targets.map((t) => t.labels.instance).sort()).toEqual(['api:8080', 'train-worker:9464', 'train-worker:9465', 'worker-1:9464', 'worker-1:9465', 'worker-2:9464', 'worker-2:9465']);
    // The drill's steps reach Prometheus from the workers that ran them and are still up: crunch on
    // the surviving pipeline worker, train on the train worker (the killed worker's counts died with it).
    const stepsByQueue = await waitFor(async () => {
      const query = await fetch(`http://127.0.0.1:${ports.prometheus}/api/v1/query?query=${encodeURIComponent('sum by (job, instance) (cairn_step_duration_seconds_count)')}`);
      const result = ((await query.json()) as { data: { result: { metric: { instance: string } }[] } }).data.result;
      const instances = result.map((r) => r.metric.instance);
      return instances.includes('train-worker:9464') && instances.some((i) => /^worker-\d:9464$/.test(i)) ? instances : undefined;
    }, 'step durations from both kinds of worker in Prometheus', 60_000, 500);
    expect(stepsByQueue.length).toBeGreaterThanOrEqual(2);
  });

  it('stops a worker gracefully on SIGTERM (exit 0, within the grace)', async () => {
    const started = Date.now();
    await podman('stop', '--time', '30', container('worker-2'));
    expect(Date.now() - started).toBeLessThan(25_000);
    expect((await podman('inspect', container('worker-2'), '--format', '{{.State.ExitCode}}')).trim().split('\n').pop()).toBe('0');
    await podman('start', container('worker-2'));
  });
});

describe('the Kubernetes manifests (deploy/kubernetes/base) with podman kube play', () => {
  const database = `cairn_kube_${secret(4)}`;
  const work = mkdtempSync(join(tmpdir(), 'cairn-kube-'));
  const admin = pg.Client;
  const manifests = join(work, 'cairn.yaml');
  const jobPod = join(work, 'namespace-setup.yaml');
  const secretFile = join(work, 'secret.json');

  afterAll(async () => {
    await run('podman', ['kube', 'down', manifests]);
    await run('podman', ['kube', 'down', jobPod]);
    await run('podman', ['secret', 'rm', 'cairn']);
    await run('podman', ['volume', 'rm', '-f', 'cairn-artifacts']);
    const client = new admin({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.end();
  });

  /** What each container `podman kube play` started said last, with its state: a failed drill's only window into them. */
  async function playedContainerLogs(): Promise<string> {
    const listed = (await run('podman', ['ps', '-a', '--format', '{{.Names}}\t{{.Status}}'])).out.split('\n');
    const played = listed.filter((line) => line.startsWith('cairn-') && !line.startsWith(PROJECT));
    const logs = await Promise.all(played.map(async (line) => `--- ${line}\n${(await run('podman', ['logs', '--tail', '30', line.split('\t')[0] ?? ''])).out}`));
    return logs.join('\n');
  }

  /** The base as a cluster would get it, adapted to one podman host: host networking, one replica, ports apart, the drill's definitions mounted. */
  function forPodman(resources: Resource[]): Resource[] {
    const metricsPorts: Record<string, number> = { 'cairn-worker-pipelines': ports.kubeMetrics, 'cairn-worker-train': ports.kubeTrainMetrics, 'cairn-worker-python': ports.kubePythonMetrics };
    return resources.map((resource) => {
      const copy = structuredClone(resource) as Resource & { data?: Record<string, string>; spec?: { replicas?: number } };
      if (copy.kind === 'ConfigMap') {
        // The external Temporal is the compose stack's; the queue is this test's own, so the compose workers never take its runs.
        Object.assign(copy.data ?? {}, { TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`, CAIRN_PORT: String(ports.kubeApi), CAIRN_TASK_QUEUE: 'cairn-kube-test' });
      }
      const spec = podSpecOf(copy);
      if (!spec) return copy;
      if (copy.spec?.replicas) copy.spec.replicas = 1;
      spec.hostNetwork = true;
      spec.volumes = [...(spec.volumes ?? []), { name: 'drill-definitions', hostPath: { path: join(REPO, 'test/deploy/definitions'), type: 'Directory' } }];
      for (const c of spec.containers) {
        c.image = c.image.includes('cairn-python') ? 'localhost/cairn-python:dev' : 'localhost/cairn:dev';
        if (copy.metadata.name === 'cairn-worker-python') c.args = ['--queue', 'python', '--module', '/app/project/definitions/python/drill_steps.py'];
        // Host networking has no port mappings: probes name the port by number instead.
        const numbered = Object.fromEntries(((c.ports ?? []) as { name: string; containerPort: number }[]).map((p) => [p.name, p.containerPort]));
        delete c.ports;
        for (const probe of [c.livenessProbe, c.readinessProbe]) if (probe?.httpGet) probe.httpGet.port = numbered[String(probe.httpGet.port)] ?? probe.httpGet.port;
        c.volumeMounts = [...(c.volumeMounts ?? []), { name: 'drill-definitions', mountPath: '/app/project/definitions' }];
        for (const variable of c.env ?? []) if (variable.name === 'CAIRN_WORKER_METRICS_PORT') variable.value = String(metricsPorts[copy.metadata.name]);
      }
      return copy;
    });
  }

  it('registers the search attributes with the Job, then runs a pipeline through the API and workers it deploys', async () => {
    const rendered = forPodman(kustomize(join(REPO, 'deploy/kubernetes/base')));
    // The cluster's PostgreSQL: a fresh database on this machine's server.
    const client = new admin({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    await client.query(`CREATE DATABASE ${database}`);
    await client.end();
    // The Secret the manifests reference, as podman keeps it (base64 values by key).
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    writeFileSync(secretFile, JSON.stringify({ 'database-url': b64(`postgres://postgres@127.0.0.1:5432/${database}`), 'spec-secret': b64(keys.spec), 'api-keys': b64(`admin:${keys.admin}`) }));
    await run('podman', ['secret', 'rm', 'cairn']);
    await podman('secret', 'create', 'cairn', secretFile);

    // podman plays Pods, Deployments, PVCs and ConfigMaps; the Job runs as the Pod its template describes.
    const job = rendered.find((r) => r.kind === 'Job');
    const config = rendered.find((r) => r.kind === 'ConfigMap');
    writeFileSync(jobPod, [config, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cairn-namespace-setup' }, spec: { ...podSpecOf(job!), restartPolicy: 'Never' } }].map((doc) => stringify(doc)).join('---\n'));
    await timed('kube: namespace-setup job', async () => {
      await podman('kube', 'play', jobPod);
      await waitFor(async () => (await podman('inspect', 'cairn-namespace-setup-namespace-setup', '--format', '{{.State.Status}}')).includes('exited'), 'the namespace-setup job to finish', 120_000, 500);
    });
    expect((await podman('inspect', 'cairn-namespace-setup-namespace-setup', '--format', '{{.State.ExitCode}}')).trim().split('\n').pop()).toBe('0');
    expect((await run('podman', ['logs', 'cairn-namespace-setup-namespace-setup'])).out).toMatch(/already has Cairn's search attributes|registered in default/);

    writeFileSync(manifests, rendered.filter((r) => r.kind !== 'Job').map((doc) => stringify(doc)).join('---\n'));
    // Step queues are named by the steps (cairn-train, cairn-python), not per deployment: the compose stack's step workers step aside.
    await podman('stop', container('train-worker'), container('python-worker'));
    const api = stackApi(`http://127.0.0.1:${ports.kubeApi}`, keys.admin);
    await timed('kube: play to a ready API', async () => {
      await podman('kube', 'play', manifests);
      await api.ready();
    });
    const { runId } = await api.start('deploy-drill', { seconds: 1 });
    const view = await timed('kube: pipeline run', () => api.finished(runId)).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\nthe played containers:\n${await playedContainerLogs()}`, { cause: error });
    });
    expect(Object.fromEntries((view.steps ?? []).map((s) => [s.name, s.status]))).toEqual({ load: 'succeeded', crunch: 'succeeded', train: 'succeeded', hottest: 'succeeded' });
    // Nothing of it ran on the compose stack's workers: they poll other queues (or were stopped).
    for (const service of ['worker-1', 'worker-2', 'train-worker', 'python-worker']) expect((await run('podman', ['logs', container(service)])).out).not.toContain(runId);
  });
});
