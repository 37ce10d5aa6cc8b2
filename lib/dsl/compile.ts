import { ID_PATTERNS } from '../ids';
// Every process that loads definitions compiles through here: zod's message for a missing field, once.
import '../zodMessages';
import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../canonicalJson';
import { ParamsError, PipelineDefinitionError } from '../errors';
import { namedSteps, type Pipeline } from './definePipeline';
import { parseDuration } from './duration';
import { findCycle, topologicalOrder } from './graph';
import { type JsonObject, type JsonValue, type MapSpec, type PipelineSpec, type StepCondition, type StepSpec } from './spec';
import { DEFAULT_OPERATOR_TIMEOUT_MS, FailureOptionsSchema, STEP_DEFAULTS, StepOptionsSchema, type StepOptionsOutput } from './stepOptions';
import { MAP_ACTIVITY } from './builtinStages';
import { isScheduleTrigger, scheduleName, triggerProblem } from './triggers';
import { isStageName, stageOf, STAGES } from '../stages';
import { conditionProblem, type ConditionRead } from './conditionCheck';
import { comparedValue } from '../runContract/stepCondition';
import { isRemoteStep } from './defineStep';
import { HISTORY_EVENT_LIMIT, MAX_STEPS_PER_RUN } from './historyBudget';
import { activitySteps } from './walkSteps';
import { nonJsonAt } from '../nonJson';
import { mergeItemOverConfig } from '../map/itemConfig';

const PIPELINE_ID = ID_PATTERNS.pipeline;
const STEP_NAME = ID_PATTERNS.step;
type AnyStep = Pipeline['steps'][number];
const ConfigSchema = z.record(z.string(), z.json());

export interface CompiledRun {
  spec: PipelineSpec;
  /** The params after the schema's defaults and transforms. */
  params: JsonObject;
}

/** Lists zod issues as `path: message`, the way every Cairn error names a field. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** The issues as one line: `path: message; path: message`. */
export function describeIssuesText(error: z.ZodError): string {
  return describeIssues(error)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * Checks everything about a pipeline that does not depend on params: its id, its param schema's
 * defaults, each step's options, and the graph (unknown or duplicate steps, cycles).
 */
export function validatePipeline(pipeline: Pipeline): void {
  const fail = (problem: string): never => {
    throw new PipelineDefinitionError(String(pipeline.id), problem);
  };
  if (typeof pipeline.id !== 'string' || !PIPELINE_ID.test(pipeline.id)) {
    fail('id must be lower-case letters, digits and dashes, starting with a letter (at most 63 characters)');
  }
  if (!(pipeline.params instanceof z.ZodObject)) fail('params must be a zod object schema (z.object({...}))');
  checkParamDefaults(pipeline, fail);

  const failure = FailureOptionsSchema.safeParse(pipeline.onFailure);
  if (!failure.success) fail(`onFailure: ${describeIssuesText(failure.error)}`);

  if (pipeline.steps.length === 0) fail('has no steps: declare at least one');
  if (pipeline.steps.length > MAX_STEPS_PER_RUN) {
    fail(
      `has ${pipeline.steps.length} steps; one run holds at most ${MAX_STEPS_PER_RUN} (Temporal ends a run at ${HISTORY_EVENT_LIMIT} history events, ` +
        'about 6 per step and as many again per retry): split it into pipelines that start one another (onEvent), or batch items into fewer steps',
    );
  }
  checkSteps(pipeline, pipeline.steps, fail, false);
  checkTriggers(pipeline, fail);
}

/**
 * Checks a list of steps (a pipeline's, or a mapped sub-pipeline's): names, options, `after` edges
 * among themselves, cycles; each mapped sub-pipeline's own steps in turn.
 */
function checkSteps(pipeline: Pipeline, steps: readonly AnyStep[], fail: (problem: string) => never, insideMap: boolean): void {
  const seen = new Set<string>();
  for (const step of steps) {
    if (typeof step.name !== 'string' || !STEP_NAME.test(step.name)) {
      fail(`step name '${String(step.name)}' is not valid (a letter, then letters, digits, '_' or '-')`);
    }
    if (seen.has(step.name)) fail(`duplicate step '${step.name}': step names must be unique`);
    seen.add(step.name);
    checkStep(pipeline, step, fail, insideMap);
  }
  for (const step of steps) {
    const upstream = step.after ?? [];
    for (const name of upstream) {
      if (name === step.name) fail(`step '${step.name}' lists itself in 'after'`);
      if (!seen.has(name)) fail(`step '${step.name}' names an unknown upstream step '${String(name)}'`);
    }
    if (new Set(upstream).size !== upstream.length) fail(`step '${step.name}' lists an upstream step twice`);
  }
  const cycle = findCycle(steps.map((s) => ({ name: s.name, after: s.after ?? [] })));
  if (cycle) fail(`cycle: ${cycle.join(' -> ')}`);
  for (const step of steps) checkConditionField(pipeline, step, steps, fail);
}

/**
 * A `when` that reads a field its source cannot hold, or compares with a value it never holds (the
 * upstream step's declared output, or the param's schema), would decide the same on every run:
 * refused here.
 */
function checkConditionField(pipeline: Pipeline, step: AnyStep, steps: readonly AnyStep[], fail: (problem: string) => never): void {
  const when = StepOptionsSchema.shape.when.safeParse(step.when).data;
  if (!when) return;
  let read: ConditionRead | undefined;
  if (when.param !== undefined) {
    const schema = (pipeline.params.shape as Record<string, z.ZodType>)[when.param];
    read = schema ? { subject: `param '${when.param}'`, schema } : undefined;
  } else if (when.step !== undefined) {
    const producer = steps.find((s) => s.name === when.step);
    const output = producer ? declaredOutputOf(producer) : undefined;
    read = output ? { subject: `step '${when.step}'`, schema: output, whole: 'its output' } : undefined;
  }
  const problem = read ? conditionProblem(read, when.field, comparedValue(when)) : undefined;
  if (problem) fail(`step '${step.name}': ${when.field === undefined || problem.startsWith('when.') ? '' : `when.field '${when.field}': `}${problem}`);
}

/** What a step declares it outputs: a built-in stage's contract, or the output its defineStep declares; undefined when undeclared. */
export function declaredOutputOf(step: Pick<AnyStep, 'activity'>): z.ZodType | undefined {
  const stage = stageOf(step.activity);
  if (stage) return stage.output;
  return step.activity === undefined || typeof step.activity === 'string' || !('output' in step.activity) ? undefined : step.activity.output;
}

/**
 * Checks the configs computed from params with the params known when definitions load: the defaults
 * (when every param has one) and each schedule's. The registry calls it once at load; compile()
 * checks a run's own params, so a run start does not repeat this. Written-out configs were checked
 * by validatePipeline already.
 */
export function checkComputedConfigs(pipeline: Pipeline): void {
  const known: JsonObject[] = pipeline.triggers.filter(isScheduleTrigger).map((trigger) => parseParams(pipeline, trigger.params ?? {}));
  const defaults = pipeline.params.safeParse({});
  if (defaults.success) known.push(defaults.data as JsonObject);
  for (const params of known) {
    for (const { step } of activitySteps(pipeline.steps)) if (typeof step.config === 'function') resolveConfig(pipeline, step, params);
  }
}

/** The queue a step's activity goes to: the step's own `queue`, else the one its remote step declares; undefined for the pipelines queue. */
export function queueOf(step: Pick<AnyStep, 'queue' | 'activity'>): string | undefined {
  return step.queue ?? (isRemoteStep(step.activity) ? step.activity.queue : undefined);
}

/** The activity a step runs, by name: a stage's name, a defineStep's or a remoteStep's. */
export function activityNameOf(activity: AnyStep['activity'] | undefined): string | undefined {
  return typeof activity === 'string' ? activity : activity?.name;
}

/** The schema a step's config must fit: its built-in stage's contract, its defineStep config, or a remote step's declared one. */
function configSchemaOf(step: AnyStep): z.ZodType | undefined {
  if (step.activity === undefined) return undefined;
  if (typeof step.activity !== 'string') return step.activity.config;
  return isStageName(step.activity) ? STAGES[step.activity].config : undefined;
}

/** A config's `from` names the upstream step to read: it must be one of the step's `after`. */
function checkFrom(step: AnyStep, config: JsonObject, fail: (problem: string) => never): void {
  const from = config.from;
  if (typeof from === 'string' && !(step.after ?? []).includes(from)) {
    fail(`step '${step.name}': config.from names '${from}', which is not one of its upstream steps (${(step.after ?? []).join(', ') || 'none'})`);
  }
}

function checkTriggers(pipeline: Pipeline, fail: (problem: string) => never): void {
  const names = new Set<string>();
  pipeline.triggers.filter(isScheduleTrigger).forEach((trigger, index) => {
    const name = scheduleName(trigger, index);
    const problem = triggerProblem(trigger);
    if (problem) fail(`trigger '${name}': ${problem}`);
    if (names.has(name)) fail(`two schedule triggers are named '${name}'`);
    names.add(name);
    try {
      parseParams(pipeline, trigger.params ?? {});
    } catch (error) {
      fail(`trigger '${name}': ${(error as Error).message.replace(`pipeline '${pipeline.id}': `, '')}`);
    }
  });
  for (const trigger of pipeline.triggers) {
    if (trigger.kind !== 'event') continue;
    const problem = triggerProblem(trigger);
    if (problem) fail(`trigger on event '${trigger.event}': ${problem}`);
  }
}

function checkParamDefaults(pipeline: Pipeline, fail: (problem: string) => never): void {
  for (const [field, schema] of Object.entries(pipeline.params.shape)) {
    if (!(schema instanceof z.ZodDefault)) continue;
    // zod 4 returns a default as-is, without checking it against its own schema: check it here.
    const checked = (schema.unwrap() as z.ZodType).safeParse(schema.def.defaultValue);
    if (!checked.success) {
      fail(`param '${field}' has a default its own schema rejects: ${describeIssuesText(checked.error)}`);
    }
  }
}

function checkStep(pipeline: Pipeline, step: AnyStep, fail: (problem: string) => never, insideMap: boolean): void {
  const { name, activity, after, config, steps: subSteps, result, ...options } = step as AnyStep & { steps?: unknown; result?: unknown };
  if (after !== undefined && !Array.isArray(after)) fail(`step '${name}': 'after' must be a list of step names`);
  const parsed = StepOptionsSchema.safeParse(options);
  if (!parsed.success) fail(`step '${name}': ${describeIssuesText(parsed.error)}`);
  const stepFail = (problem: string): never => fail(`step '${name}': ${problem}`);
  if (parsed.data?.map) checkMap(pipeline, step, parsed.data, stepFail);
  const when = parsed.data?.when;
  if (when?.step !== undefined) checkNamesUpstream(step, when.step, 'when', stepFail);
  if (when?.param !== undefined) checkDeclaresParam(pipeline, when.param, 'when', stepFail);
  if (insideMap && parsed.data?.approval) stepFail('a step inside a mapped sub-pipeline cannot wait for approval (one approval per item is not something anyone can give)');
  if (!insideMap && parsed.data?.itemConfig) stepFail("itemConfig merges a map's item over the config of a step inside a mapped sub-pipeline; on a mapped step itself, say map: { as: 'config' }");
  if (subSteps !== undefined || result !== undefined) {
    checkSubPipeline(pipeline, step, { activity, config, subSteps, result, mapped: parsed.data?.map !== undefined, mergesItem: parsed.data?.map?.as === 'config' }, stepFail);
    return;
  }
  const activityName = activityNameOf(activity);
  if (typeof activityName !== 'string' || activityName.length === 0) {
    fail(`step '${name}' has no activity: name a built-in stage or a step declared with defineStep`);
  }
  if (config !== undefined && typeof config !== 'function' && (typeof config !== 'object' || config === null)) {
    fail(`step '${name}': config must be an object or a function of params`);
  }
  if (parsed.data?.cache) checkCacheable(step, stepFail);
  // A config written out (not computed from params) is checked when the definitions load.
  if (config !== undefined && typeof config !== 'function') checkConfig(step, config, stepFail);
}

/** A map names a source it can read: a declared param, or one of its own upstream steps. */
function checkMap(pipeline: Pipeline, step: AnyStep, options: StepOptionsOutput, fail: (problem: string) => never): void {
  const map = options.map as NonNullable<StepOptionsOutput['map']>;
  if (options.approval) fail('a mapped step cannot wait for approval: approve the step before it, or after it');
  if ('param' in map.over) checkDeclaresParam(pipeline, map.over.param, 'map.over', fail);
  if ('step' in map.over) checkNamesUpstream(step, map.over.step, 'map.over', fail);
}

/** A map or a condition that reads a param names one the pipeline declares. */
function checkDeclaresParam(pipeline: Pipeline, param: string, option: string, fail: (problem: string) => never): void {
  if (!(param in pipeline.params.shape)) fail(`${option} names param '${param}', which the pipeline does not declare; params: ${Object.keys(pipeline.params.shape).join(', ') || 'none'}`);
}

/** A map or a condition reads a step's output, so that step must have finished first: it must be one of `after`. */
function checkNamesUpstream(step: AnyStep, named: string, option: string, fail: (problem: string) => never): void {
  if (!(step.after ?? []).includes(named)) {
    fail(`${option} names step '${named}', which is not one of its upstream steps (${(step.after ?? []).join(', ') || 'none'}): add it to 'after'`);
  }
}

/** A mapped sub-pipeline: steps and a map, no activity of its own; its `result` names one of its steps. */
function checkSubPipeline(
  pipeline: Pipeline,
  step: AnyStep,
  parts: { activity: unknown; config: unknown; subSteps: unknown; result: unknown; mapped: boolean; mergesItem: boolean },
  fail: (problem: string) => never,
): void {
  if (!parts.mapped) fail("'steps' declares a sub-pipeline, which runs once per item: give it a `map` (or declare its steps in the pipeline itself)");
  if (parts.activity !== undefined) fail("a mapped sub-pipeline has 'steps', not an activity: remove one of them");
  if (parts.config !== undefined) fail("a mapped sub-pipeline has no config of its own: its steps have theirs");
  if (parts.mergesItem) fail("as: 'config' merges each item into one step's config: declare it on a mapped step, not on a sub-pipeline (whose steps read `input.item`)");
  if (typeof parts.subSteps !== 'object' || parts.subSteps === null) fail("'steps' must be the sub-pipeline's steps, by name");
  const steps = namedSteps(parts.subSteps as Parameters<typeof namedSteps>[0]) as readonly AnyStep[];
  if (steps.length === 0) fail('its sub-pipeline has no steps');
  checkSteps(pipeline, steps, fail, true);
  resultStepOf(steps, parts.result, fail);
}

/** The sub-pipeline step(s) whose output is an item's result: `result`, else the one step nothing runs after. */
function resultStepOf(steps: readonly AnyStep[], result: unknown, fail: (problem: string) => never): string | string[] {
  const names = steps.map((s) => s.name);
  if (result !== undefined) {
    const named = Array.isArray(result) ? result : [result];
    if (named.length === 0) fail(`result names no step; name one of its steps (${names.join(', ')}) or several`);
    for (const name of named) if (typeof name !== 'string' || !names.includes(name)) fail(`result names '${String(name)}', which is not one of its steps (${names.join(', ')})`);
    return result as string | string[];
  }
  const sinks = names.filter((n) => !steps.some((s) => (s.after ?? []).includes(n)));
  if (sinks.length !== 1) fail(`its sub-pipeline ends in ${sinks.length} steps (${sinks.join(', ')}): name the one whose output is each item's result with 'result'`);
  return sinks[0] as string;
}

/**
 * `cache: true` only where running the step again would change nothing but its output: not on stages
 * that register, deploy, watch or wait, and not on another worker's step (whose code this worker
 * cannot version).
 */
function checkCacheable(step: AnyStep, fail: (problem: string) => never): void {
  const activity = step.activity;
  if (isRemoteStep(activity)) fail(`cache: true is not supported on a step another worker runs ('${activity.name}'): its code cannot be versioned here`);
  const name = activityNameOf(activity);
  if (name !== undefined && isStageName(name) && !STAGES[name].cacheable) {
    const cacheable = Object.values(STAGES).filter((stage) => stage.cacheable).map((stage) => stage.name);
    fail(`cache: true is not allowed on '${name}', which changes things outside its output; cacheable stages: ${cacheable.join(', ')}`);
  }
  if (typeof activity === 'object' && activity.kind === 'cairn-step' && !activity.cacheable) fail(`cache: true is not allowed on '${activity.name}': its defineStep says cacheable: false`);
}

/**
 * Whether each map item is merged over the step's config (a mapped step's `as: 'config'`, a step's
 * `itemConfig` inside a mapped sub-pipeline): its own config may then leave required fields to the items.
 */
function mergesItems(step: AnyStep): boolean {
  return step.map?.as === 'config' || step.itemConfig === true;
}

/**
 * Checks a resolved config against the step's schema and its `from` against its upstream steps. The
 * config of a step its map items complete is checked with every field optional; the worker checks
 * each item merged over it (and compile, for a map over a param, before the run starts).
 */
function checkConfig(step: AnyStep, config: unknown, fail: (problem: string) => never, whole = !mergesItems(step)): JsonObject {
  const json = ConfigSchema.safeParse(config);
  if (!json.success) fail(`config must be a plain JSON object: ${nonJsonAt(config, 'config') ?? describeIssuesText(json.error)}`);
  const full = configSchemaOf(step);
  const schema = whole || !(full instanceof z.ZodObject) ? full : full.partial();
  if (schema) {
    const checked = schema.safeParse(json.data);
    if (!checked.success) fail(`config.${describeIssuesText(checked.error)}`);
  }
  checkFrom(step, json.data as JsonObject, fail);
  return json.data as JsonObject;
}

/** Validates params with the pipeline's schema; the error names each bad field. */
export function parseParams(pipeline: Pipeline, raw: unknown): JsonObject {
  // zod objects drop unknown keys silently; a misspelled param must not be ignored.
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const known = Object.keys(pipeline.params.shape);
    const unknown = Object.keys(raw).filter((key) => !known.includes(key));
    if (unknown.length > 0) {
      throw new ParamsError(
        pipeline.id,
        unknown.map((key) => ({ path: key, message: `unknown param; known: ${known.join(', ') || '(none)'}` })),
      );
    }
  }
  const parsed = pipeline.params.safeParse(raw ?? {});
  if (!parsed.success) throw new ParamsError(pipeline.id, describeIssues(parsed.error));
  const asJson = ConfigSchema.safeParse(parsed.data);
  if (!asJson.success) throw new ParamsError(pipeline.id, [{ path: '', message: `params must be plain JSON values: ${nonJsonAt(parsed.data, 'params') ?? 'the params schema produced something else'}` }]);
  return asJson.data as JsonObject;
}

/** Turns a pipeline and raw params into the plain-JSON spec that runPipeline interprets. */
export function compile(pipeline: Pipeline, rawParams: unknown = {}): CompiledRun {
  validatePipeline(pipeline);
  const params = parseParams(pipeline, rawParams);
  const steps = topologicalOrder(pipeline.steps.map((s) => ({ ...s, after: s.after ?? [] }))).map((step) => toStepSpec(pipeline, step, params));
  const failure = FailureOptionsSchema.parse(pipeline.onFailure);
  const body: Omit<PipelineSpec, 'hash'> = {
    specVersion: 1,
    pipeline: pipeline.id,
    description: pipeline.description,
    onFailure: {
      mode: failure.mode ?? 'await_operator',
      operatorTimeoutMs: parseDuration(failure.operatorTimeout) ?? DEFAULT_OPERATOR_TIMEOUT_MS,
      // Emitted only when set, so the hash of every pipeline that does not set it stays as it was.
      ...(failure.infrastructureRetryWindow === undefined ? {} : { infrastructureRetryWindowMs: parseDuration(failure.infrastructureRetryWindow) }),
    },
    steps,
  };
  return { spec: { ...body, hash: sha256Hex(canonicalJson(body)) }, params };
}

function toStepSpec(pipeline: Pipeline, step: AnyStep, params: JsonObject): StepSpec {
  const { steps: subSteps, result } = step as AnyStep & { steps?: Parameters<typeof namedSteps>[0]; result?: string | string[] };
  const options = StepOptionsSchema.parse(
    Object.fromEntries(Object.entries(step).filter(([k]) => !['name', 'activity', 'after', 'config', 'steps', 'result'].includes(k))),
  );
  const local = subSteps === undefined && isLight(pipeline, step, { ...options, queue: queueOf(step) });
  return {
    name: step.name,
    activity: subSteps === undefined ? (activityNameOf(step.activity) as string) : MAP_ACTIVITY,
    after: [...(step.after ?? [])],
    config: subSteps === undefined ? resolveConfig(pipeline, step, params) : {},
    retry: {
      maximumAttempts: options.retry?.attempts ?? STEP_DEFAULTS.attempts,
      initialIntervalMs: parseDuration(options.retry?.backoff?.initial) ?? STEP_DEFAULTS.initialBackoffMs,
      backoffCoefficient: options.retry?.backoff?.coefficient ?? STEP_DEFAULTS.backoffCoefficient,
      maximumIntervalMs: parseDuration(options.retry?.backoff?.max) ?? STEP_DEFAULTS.maxBackoffMs,
    },
    startToCloseTimeoutMs: parseDuration(options.timeout) ?? STEP_DEFAULTS.timeoutMs,
    // A local activity does not heartbeat: the workflow's worker runs it and reports its end.
    heartbeatTimeoutMs: local || options.heartbeat === 'none' ? null : (parseDuration(options.heartbeat) ?? STEP_DEFAULTS.heartbeatMs),
    taskQueue: subSteps === undefined ? (queueOf(step) ?? null) : null,
    whenUpstreamSkipped: options.whenUpstreamSkipped ?? STEP_DEFAULTS.whenUpstreamSkipped,
    ...(local ? { local: true as const } : {}),
    ...(options.cache ? { cache: true as const } : {}),
    // Only set when asked for, so the hashes of pipelines without approvals stay as they were.
    ...(options.approval
      ? { approval: { timeoutMs: (options.approval === true ? undefined : parseDuration(options.approval.timeout)) ?? STEP_DEFAULTS.approvalTimeoutMs } }
      : {}),
    ...(options.itemConfig ? { itemConfig: true as const } : {}),
    ...(options.when ? { when: compiledCondition(options.when) } : {}),
    ...(options.map ? { map: toMapSpec(pipeline, options.map, subSteps, result, params) } : {}),
  };
}

/** A `when` as the workflow reads it: exactly one of `equals` (true when neither was given) and `notEquals`. */
export function compiledCondition(when: NonNullable<StepOptionsOutput['when']>): StepCondition {
  const test = when.notEquals === undefined ? { equals: when.equals === undefined ? true : when.equals } : { notEquals: when.notEquals };
  const source = when.param === undefined ? { step: when.step } : { param: when.param };
  return { ...source, ...(when.field === undefined ? {} : { field: when.field }), ...test };
}

/** A map's compiled form; a sub-pipeline's steps are compiled (and ordered) like a pipeline's. */
function toMapSpec(pipeline: Pipeline, map: NonNullable<StepOptionsOutput['map']>, subSteps: Parameters<typeof namedSteps>[0] | undefined, result: string | string[] | undefined, params: JsonObject): MapSpec {
  const spec: MapSpec = {
    over: map.over,
    concurrency: map.concurrency ?? STEP_DEFAULTS.mapConcurrency,
    minSuccess: map.minSuccess ?? 1,
    as: map.as ?? 'item',
  };
  if (subSteps === undefined) return spec;
  const steps = namedSteps(subSteps) as readonly AnyStep[];
  const ordered = topologicalOrder(steps.map((s) => ({ ...s, after: s.after ?? [] }))).map((s) => toStepSpec(pipeline, s, params));
  const fail = (problem: string): never => {
    throw new PipelineDefinitionError(pipeline.id, problem);
  };
  return { ...spec, steps: ordered, result: resultStepOf(steps, result, fail) };
}

/** Whether a step runs as a local activity: asked for with `light`, or the built-in noop unless it says otherwise. */
function isLight(pipeline: Pipeline, step: AnyStep, options: { light?: boolean | undefined; queue?: string | undefined }): boolean {
  const light = options.light ?? (step.activity === 'noop' && options.queue === undefined);
  if (!light) return false;
  const fail = (why: string): never => {
    throw new PipelineDefinitionError(pipeline.id, `step '${step.name}': a light step runs in the workflow's own worker, so it ${why}`);
  };
  if (options.queue !== undefined) fail(`cannot name a queue ('${options.queue}')`);
  if (isRemoteStep(step.activity)) fail('cannot be a remoteStep (another worker runs those)');
  return true;
}

function resolveConfig(pipeline: Pipeline, step: AnyStep, params: JsonObject): JsonObject {
  const fail = (problem: string): never => {
    throw new PipelineDefinitionError(pipeline.id, `step '${step.name}': ${problem}`);
  };
  let config: unknown = step.config ?? {};
  if (typeof config === 'function') {
    try {
      config = (config as (p: unknown) => unknown)(params);
    } catch (error) {
      fail(`config function threw: ${(error as Error).message}`);
    }
  }
  const resolved = checkConfig(step, config, fail);
  checkParamItems(step, resolved, params, fail);
  return resolved;
}

/** A map over a param whose items complete the config: each item merged over it is checked now, before the run starts. */
function checkParamItems(step: AnyStep, config: JsonObject, params: JsonObject, fail: (problem: string) => never): void {
  const map = step.map;
  if (map?.as !== 'config' || !('param' in map.over)) return;
  const items = params[map.over.param];
  if (!Array.isArray(items)) return;
  items.forEach((item: JsonValue, index) => {
    let merged: JsonObject = config;
    try {
      merged = mergeItemOverConfig(config, index, item);
    } catch (error) {
      fail((error as Error).message);
    }
    checkConfig(step, merged, (problem) => fail(`map item ${index} merged over the config: ${problem}`), true);
  });
}
