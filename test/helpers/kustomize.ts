/**
 * The part of kustomize that deploy/kubernetes uses, for tests on machines without kubectl: a
 * kustomization's `resources` (files, or a base directory), its `images` (name -> newName:newTag)
 * and its `patches` (RFC 6902 operations applied with fast-json-patch, or `$patch: delete`) on the
 * resources their `target` (kind, name) selects. Anything else in a kustomization is an error here,
 * so a manifest using more than this subset is noticed rather than rendered wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonPatch, { type Operation } from 'fast-json-patch';
import { parse, parseAllDocuments } from 'yaml';

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { target: { kind?: string; name?: string }; patch: string }[];
  labels?: { pairs: Record<string, string> }[];
  apiVersion?: string;
  kind?: string;
}

const KNOWN = new Set(['resources', 'images', 'patches', 'labels', 'apiVersion', 'kind']);

export function readManifests(file: string): Resource[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as Resource).filter(Boolean);
}

/** Renders the kustomization in `dir` (kustomize build's output, for this subset). */
export function kustomize(dir: string): Resource[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unknown = Object.keys(kustomization).filter((key) => !KNOWN.has(key));
  if (unknown.length) throw new Error(`${dir}/kustomization.yaml uses ${unknown.join(', ')}, which test/helpers/kustomize.ts does not render`);
  let resources = (kustomization.resources ?? []).flatMap((entry) => (entry.endsWith('.yaml') ? readManifests(join(dir, entry)) : kustomize(join(dir, entry))));
  for (const { pairs } of kustomization.labels ?? []) for (const r of resources) r.metadata.labels = { ...r.metadata.labels, ...pairs };
  for (const { target, patch } of kustomization.patches ?? []) {
    const selected = (r: Resource) => (!target.kind || r.kind === target.kind) && (!target.name || r.metadata.name === target.name);
    if (!resources.some(selected)) throw new Error(`${dir}: a patch targets ${JSON.stringify(target)}, which no resource matches`);
    const parsed = parse(patch) as Operation[] | { $patch?: string };
    if (!Array.isArray(parsed)) {
      if (parsed.$patch !== 'delete') throw new Error(`${dir}: only RFC 6902 patches and $patch: delete are rendered here`);
      resources = resources.filter((r) => !selected(r));
      continue;
    }
    resources = resources.map((r) => (selected(r) ? (jsonPatch.applyPatch(structuredClone(r), parsed, true, false).newDocument as Resource) : r));
  }
  for (const image of kustomization.images ?? []) {
    for (const container of containersOf(resources)) {
      if (container.image === image.name) container.image = `${image.newName ?? image.name}${image.newTag ? `:${image.newTag}` : ''}`;
    }
  }
  return resources;
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string; port?: string | number } };
  readinessProbe?: { httpGet?: { path: string; port?: string | number } };
  [field: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  volumes?: { name: string; [source: string]: unknown }[];
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  [field: string]: unknown;
}

/** The pod template of a Deployment or Job. */
export function podSpecOf(resource: Resource): PodSpec | undefined {
  return (resource as { spec?: { template?: { spec?: PodSpec } } }).spec?.template?.spec;
}

export function containersOf(resources: Resource[]): Container[] {
  return resources.flatMap((r) => podSpecOf(r)?.containers ?? []);
}
