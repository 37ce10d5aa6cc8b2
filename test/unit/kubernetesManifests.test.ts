import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config';
import { containersOf, kustomize, podSpecOf, type Container, type Resource } from '../helpers/kustomize';

const KUBERNETES = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));

// What deploy/kubernetes promises (issue 14, deploy/README.md), written out here rather than read
// from the manifests: these values hold secrets and never appear literally in a manifest.
const SECRET_VALUES = ['DATABASE_URL', 'CAIRN_API_KEYS', 'CAIRN_API_KEY', 'CAIRN_SPEC_SECRET', 'CAIRN_SQL_CONNECTIONS', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS_CLIENT_KEY_DATA'];
/** A worker's SIGTERM budget: CAIRN_WORKER_SHUTDOWN_GRACE_MS (10 s) + the 5 s a step has to notice the cancel + margin. */
const WORKER_TERMINATION_SECONDS = 20;

const byKind = (resources: Resource[], kind: string) => resources.filter((r) => r.kind === kind);
const named = (resources: Resource[], kind: string, name: string) => {
  const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const configMap = (resources: Resource[]) => (named(resources, 'ConfigMap', 'cairn-config') as Resource & { data: Record<string, string> }).data;

/** The environment a container would start with: its ConfigMap, its literal env, and a stand-in for each secret. */
function environmentOf(resources: Resource[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) if (source.configMapRef) Object.assign(env, configMap(resources));
  const standIns: Record<string, string> = { DATABASE_URL: 'postgres://cairn:password@db:5432/cairn', CAIRN_API_KEYS: 'admin:0123456789abcdef0123', CAIRN_SPEC_SECRET: 'x'.repeat(32), TEMPORAL_API_KEY: 'key' };
  for (const variable of container.env ?? []) env[variable.name] = variable.value ?? standIns[variable.name] ?? 'stand-in';
  return env;
}

describe('the Kubernetes base (deploy/kubernetes/base)', () => {
  const resources = kustomize(`${KUBERNETES}base`);
  const deployments = byKind(resources, 'Deployment');

  it('has the API with its Service, a worker Deployment per queue, the search-attribute Job, shared artifacts, PDBs and autoscalers', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['cairn-api', 'cairn-worker-pipelines', 'cairn-worker-python', 'cairn-worker-train']);
    expect(named(resources, 'Service', 'cairn-api')).toMatchObject({ spec: { selector: { 'app.kubernetes.io/name': 'cairn-api' } } });
    expect(containersOf([named(resources, 'Job', 'cairn-namespace-setup')])[0]?.args).toEqual(['namespace-setup']);
    expect(named(resources, 'PersistentVolumeClaim', 'cairn-artifacts')).toMatchObject({ spec: { accessModes: ['ReadWriteMany'] } });
    const deploymentLabels = deployments.map((d) => (d as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template.metadata.labels);
    const budgets = byKind(resources, 'PodDisruptionBudget') as (Resource & { spec: { selector: { matchLabels: Record<string, string> } } })[];
    expect(budgets.length).toBeGreaterThan(0);
    for (const budget of budgets) expect(deploymentLabels.some((labels) => Object.entries(budget.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)), budget.metadata.name).toBe(true);
    const autoscaled = (byKind(resources, 'HorizontalPodAutoscaler') as (Resource & { spec: { scaleTargetRef: { name: string } } })[]).map((h) => h.spec.scaleTargetRef.name).sort();
    expect(autoscaled).toEqual(['cairn-worker-pipelines', 'cairn-worker-train']);
  });

  it('probes the API on /readyz (readiness) and /healthz (liveness), and each worker on /healthz', () => {
    const api = containersOf([named(resources, 'Deployment', 'cairn-api')])[0];
    expect(api?.args).toEqual(['server']);
    expect(api?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(api?.livenessProbe?.httpGet?.path).toBe('/healthz');
    for (const name of ['cairn-worker-pipelines', 'cairn-worker-train']) {
      const worker = named(resources, 'Deployment', name);
      expect(containersOf([worker])[0]?.args?.[0]).toBe('worker');
      expect(containersOf([worker])[0]?.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(podSpecOf(worker)?.terminationGracePeriodSeconds ?? 30).toBeGreaterThanOrEqual(WORKER_TERMINATION_SECONDS);
    }
    expect(containersOf([named(resources, 'Deployment', 'cairn-worker-train')])[0]?.args).toEqual(['worker', '--queue', 'train']);
    expect(containersOf([named(resources, 'Deployment', 'cairn-worker-python')])[0]?.args?.slice(0, 2)).toEqual(['--queue', 'python']);
  });

  it('never holds a secret literally: no Secret resource, none in the ConfigMap, every secret variable from a secretKeyRef', () => {
    expect(byKind(resources, 'Secret')).toEqual([]);
    expect(Object.keys(configMap(resources)).filter((key) => SECRET_VALUES.includes(key))).toEqual([]);
    for (const container of containersOf(resources)) {
      for (const variable of container.env ?? []) {
        if (SECRET_VALUES.includes(variable.name)) expect(variable.valueFrom?.secretKeyRef, `${container.name} ${variable.name}`).toBeDefined();
      }
    }
  });

  it('gives every container resource requests, and a configuration Cairn accepts', () => {
    for (const container of containersOf(resources)) {
      expect(container.resources?.requests?.cpu, container.name).toBeDefined();
      expect(container.resources?.requests?.memory, container.name).toBeDefined();
      expect(() => parseConfig(environmentOf(resources, container)), container.name).not.toThrow();
    }
  });
});

describe('the overlays', () => {
  it('temporal-cloud: TLS on, the API key from the Secret in every Deployment, no search-attribute Job', () => {
    const resources = kustomize(`${KUBERNETES}overlays/temporal-cloud`);
    expect(byKind(resources, 'Job')).toEqual([]);
    expect(configMap(resources).TEMPORAL_TLS).toBe('true');
    for (const container of containersOf(resources)) {
      expect(container.env?.find((v) => v.name === 'TEMPORAL_API_KEY')?.valueFrom?.secretKeyRef, container.name).toEqual({ name: 'cairn', key: 'temporal-api-key' });
      const cfg = parseConfig(environmentOf(resources, container));
      expect(cfg.TEMPORAL_ADDRESS).toMatch(/\.tmprl\.cloud:7233$/);
    }
  });

  it('mtls-cluster: the CA, certificate and key the ConfigMap names are mounted from a Secret in every pod', () => {
    const resources = kustomize(`${KUBERNETES}overlays/mtls-cluster`);
    const data = configMap(resources);
    const paths = ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH'].map((key) => data[key] ?? '');
    expect(paths.every(Boolean)).toBe(true);
    for (const workload of [...byKind(resources, 'Deployment'), ...byKind(resources, 'Job')]) {
      const spec = podSpecOf(workload);
      const mount = spec?.containers[0]?.volumeMounts?.find((m) => paths.every((p) => p.startsWith(`${m.mountPath}/`)));
      expect(mount, workload.metadata.name).toBeDefined();
      expect(spec?.volumes?.find((v) => v.name === mount?.name)).toMatchObject({ secret: { secretName: 'temporal-client-tls' } });
      expect(() => parseConfig(environmentOf(resources, spec!.containers[0]!))).not.toThrow();
    }
  });
});
