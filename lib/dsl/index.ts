export { definePipeline, type Pipeline, type PipelineDefinition, type StepDefinition } from './definePipeline';
export { defineStep, pythonStep, remoteStep, type RemoteStep, type StepFunction, type StepRuntime } from './defineStep';
export { defineRegistry, type Registry } from './registry';
export { outputOf, type OutputOf } from './outputOf';
export { compile, validatePipeline, parseParams, type CompiledRun } from './compile';
export type { PipelineSpec, StepSpec, JsonObject, JsonValue } from './spec';
export type { StepInput, StepOutput, RunContext } from './stepIo';
export { BUILTIN_STAGES } from './builtinStages';
export { cron, every, onEvent, onDrift, nextFireTimes, type Trigger, type ScheduleTrigger, type EventTrigger, type DriftTrigger } from './triggers';
