import { ID_PATTERNS } from '../ids';
import type { z } from 'zod';
import type { ArtifactStore } from '../artifacts/artifactStore';
import type { RunAuthorityPolicy } from '../auth/runAuthority';
import type { SourcePolicy } from '../data/sourcePolicy';
import type { StepLog } from '../logs/stepLogger';
import type { Store } from '../store/openStore';
import type { JsonObject, JsonValue } from './spec';
import type { NotificationTargetInput } from '../notifications/targets';
import type { StepInput, StepOutput } from './stepIo';
import type { DatasetRows } from '../data/rowsToJsonl';
import type { WriteDatasetOptions } from '../data/datasetWriter';
import type { WrittenDataset } from '../data/writtenDataset';

/** What the worker lends every step: where artifacts go, and the metadata store when there is one. */
export interface StepServices {
  artifacts: ArtifactStore;
  /** The metadata store: set under `cairn dev` and on workers with DATABASE_URL. */
  store: Store | undefined;
  /** What data the deployment lets steps read: data roots, allowed hosts, named SQL connections. */
  sources: SourcePolicy;
  /** What the worker trusts about runs: the spec secret it checks, the aliases only an admin may move. */
  authority: RunAuthorityPolicy;
  /** Lines of a step's log kept in the store (CAIRN_STEP_LOG_MAX_LINES); the oldest beyond are trimmed. */
  stepLogMaxLines?: number;
  /** The deployment's notification targets (CAIRN_NOTIFY) and signing key; the pipelines worker delivers notifications. */
  notifications?: { targets: NotificationTargetInput[]; secret: string | undefined };
}

/** What a running step can do besides computing: report progress, notice cancellation, use the services. */
export interface StepRuntime extends StepServices {
  /** Records progress (shown in the Temporal Web UI's pending activity) and keeps the step alive. */
  heartbeat(details?: unknown): void;
  /** Aborted when the run is cancelled or the step times out; pass it to fetch, streams, loops. */
  signal: AbortSignal;
  /** This execution's attempt at the step, from 1 (infrastructure failures do not count). */
  attempt: number;
  /** The step's log: each line goes to the worker's log and is kept with the run (`cairn logs`). */
  log: StepLog;
  /**
   * Records this execution as an experiment (its params, its metrics, the dataset it trained on),
   * searchable with `cairn experiments`; nothing on a worker without a metadata store. The built-in
   * train records every fit this way.
   */
  experiment(record: ExperimentRecord): Promise<void>;
  /**
   * Stores rows this step computed (features, a cleaned or joined table) as a dataset, as ingest
   * stores a file: Parquet with a profile, recorded with this run and step and the datasets given as
   * `derivedFrom`. Return what it gives (or spread it into the output) and validate, train, evaluate
   * and monitor read it with `from: '<this step>'`. A cell that is not text, a finite number, a
   * boolean, null or a Date is a DataError naming the row and column.
   */
  writeDataset(rows: DatasetRows, options?: WriteDatasetOptions): Promise<WrittenDataset>;
}

/** What a training step records about one execution (see StepRuntime.experiment). */
export interface ExperimentRecord {
  params: JsonObject;
  /** Numbers only; one that is not finite is left out (and named in the step's log). */
  metrics: Record<string, number>;
  /** The sha256 of the dataset it trained on, when there is one. */
  dataset?: string | null;
  algorithm?: string | null;
}

type MaybeSchema = z.ZodType | undefined;
type MaybePromise<T> = T | Promise<T>;

/** What a step's run returns: what its declared output schema accepts, else any small JSON. */
export type StepReturn<Output extends MaybeSchema> = Output extends z.ZodType ? z.input<Output> : StepOutput;

export interface StepFunction<Config extends JsonObject = JsonObject, Output extends MaybeSchema = MaybeSchema> {
  readonly kind: 'cairn-step';
  /** The activity type name: what the Temporal Web UI shows for this step. */
  readonly name: string;
  /** Validates the step's config on the worker and when definitions load. */
  readonly config: z.ZodType<Config> | undefined;
  /**
   * 'manual': the step calls `heartbeat()` as it makes progress (rows read, rounds trained), and a
   * step silent for longer than its heartbeat timeout fails as stalled. 'auto' (default): the worker
   * heartbeats for it, so only a dead worker or the step's timeout ends a step that hangs.
   */
  readonly heartbeat: 'auto' | 'manual';
  /** The step records to the metadata store: a worker without one fails it at once, naming why (checked once, in toActivity). */
  readonly needsStore: boolean;
  /**
   * What the step returns, when it declares it: the worker checks each output against it (a mismatch
   * fails the step, naming the field), and downstream steps read it typed with `outputOf()`.
   */
  readonly output: Output;
  readonly run: (input: StepInput & { config: Config }, runtime: StepRuntime) => Promise<StepOutput> | StepOutput;
  /** Part of the step cache's key: bump it when the step's results change though `run`'s own text did not (a helper it calls changed). */
  readonly version: string | undefined;
  /** Whether pipelines may declare `cache: true` on this step (default true). */
  readonly cacheable: boolean;
  /**
   * For a step that reads data from outside (a file, a URL): a small JSON value that changes when
   * that data changes, part of the step cache's key. Returns `{ reason }` instead when the data
   * cannot be fingerprinted cheaply: the step then runs (a cache miss, with that reason).
   */
  readonly fingerprint: StepFingerprint<Config> | undefined;
}

/** See StepFunction.fingerprint. */
export type StepFingerprint<Config extends JsonObject = JsonObject> = (
  config: Config,
  services: Pick<StepServices, 'sources' | 'store'>,
) => Promise<{ fingerprint: JsonValue } | { reason: string }>;

interface StepDeclaration<Config extends JsonObject, Output extends MaybeSchema> {
  name: string;
  config?: z.ZodType<Config>;
  heartbeat?: 'auto' | 'manual';
  output?: Output;
  version?: string;
  cacheable?: boolean;
  fingerprint?: StepFingerprint<Config>;
}

/** What a step that declares `needsStore: true` is lent: the store is always there. */
export type StepRuntimeWithStore = StepRuntime & { store: Store };

const ACTIVITY_NAME = ID_PATTERNS.activity;

/**
 * Declares a step's code. Only workers run it, as an activity named `name`; pipelines refer to it
 * with `activity: theStep` (or its name).
 */
export function defineStep<Config extends JsonObject = JsonObject, Output extends MaybeSchema = undefined>(
  definition: StepDeclaration<Config, Output> & {
    needsStore: true;
    run: (input: StepInput & { config: Config }, runtime: StepRuntimeWithStore) => MaybePromise<StepReturn<Output>>;
  },
): StepFunction<Config, Output>;
export function defineStep<Config extends JsonObject = JsonObject, Output extends MaybeSchema = undefined>(
  definition: StepDeclaration<Config, Output> & {
    needsStore?: false;
    run: (input: StepInput & { config: Config }, runtime: StepRuntime) => MaybePromise<StepReturn<Output>>;
  },
): StepFunction<Config, Output>;
export function defineStep<Config extends JsonObject = JsonObject, Output extends MaybeSchema = undefined>(
  definition: StepDeclaration<Config, Output> & {
    needsStore?: boolean;
    run: (input: StepInput & { config: Config }, runtime: StepRuntimeWithStore) => MaybePromise<StepReturn<Output>>;
  },
): StepFunction<Config, Output> {
  if (!ACTIVITY_NAME.test(definition.name)) {
    throw new TypeError(`defineStep: '${definition.name}' is not a valid step name (a letter, then letters, digits, dashes)`);
  }
  return {
    kind: 'cairn-step',
    name: definition.name,
    config: definition.config,
    heartbeat: definition.heartbeat ?? 'auto',
    needsStore: definition.needsStore ?? false,
    output: definition.output as Output,
    version: definition.version,
    cacheable: definition.cacheable ?? true,
    fingerprint: definition.fingerprint,
    // A store-needing step only ever runs with a store (toActivity refuses it otherwise), and what it
    // returns is checked as JSON (and against `output`) by the worker.
    run: definition.run as unknown as StepFunction<Config>['run'],
  };
}

/** A step function of any config type, as pipelines and the registry hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- config types differ per step; each is checked by its own schema at run time
export type AnyStepFunction = StepFunction<any, any>;

/**
 * A step that another worker implements (another service, another language: a Python worker on its
 * own queue): pipelines name it with `activity: remoteStep(...)` or `pythonStep(...)`, and this
 * codebase's workers never register it nor poll its queue. A declared `config` schema checks the
 * step's config when definitions load (its worker checks it again, e.g. with pydantic).
 */
export interface RemoteStep<Config extends JsonObject = JsonObject> {
  readonly kind: 'cairn-remote-step';
  readonly name: string;
  readonly config: z.ZodType<Config> | undefined;
  /** The queue its worker polls; a pipeline step may name another (the same code on bigger machines). */
  readonly queue: string | undefined;
  /** A Python step (python/cairn_steps): the module that declares it, which `cairn dev` runs a Python worker for. */
  readonly python: { module: string } | undefined;
}

/** Whether a step's activity is another worker's (a remoteStep or pythonStep). */
export function isRemoteStep(activity: unknown): activity is RemoteStep {
  return typeof activity === 'object' && activity !== null && (activity as Partial<RemoteStep>).kind === 'cairn-remote-step';
}

interface RemoteStepDeclaration<Config extends JsonObject> {
  name: string;
  queue?: string;
  config?: z.ZodType<Config>;
}

function checkedName(kind: string, name: string): string {
  if (!ACTIVITY_NAME.test(name)) throw new TypeError(`${kind}: '${name}' is not a valid step name (a letter, then letters, digits, dashes)`);
  return name;
}

/** A step another worker runs: `remoteStep('fit-elsewhere')`, or with its queue and config schema. */
export function remoteStep<Config extends JsonObject = JsonObject>(declaration: string | RemoteStepDeclaration<Config>): RemoteStep<Config> {
  const d = typeof declaration === 'string' ? { name: declaration } : declaration;
  return { kind: 'cairn-remote-step', name: checkedName('remoteStep', d.name), config: d.config, queue: d.queue, python: undefined };
}

/**
 * A step written in Python with `cairn_steps` (`@step("fit-penguins", config=FitConfig)` in
 * `module`), run by a Temporal Python worker polling `queue`. `config` is the same schema as the
 * pydantic model, in zod, so a bad config fails when definitions load rather than on the worker.
 * `module`: the Python file (absolute, or relative to the working directory) or dotted module name;
 * `cairn dev` starts a worker for it with the project's Python (CAIRN_PYTHON).
 */
export function pythonStep<Config extends JsonObject = JsonObject>(declaration: RemoteStepDeclaration<Config> & { queue: string; module: string }): RemoteStep<Config> {
  if (!declaration.module) throw new TypeError(`pythonStep '${declaration.name}': name the module that declares it`);
  return { ...remoteStep(declaration), python: { module: declaration.module } };
}
