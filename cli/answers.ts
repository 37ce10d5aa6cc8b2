import type { Answer, ApiClient } from './apiClient';

// The API's answers as the CLI reads them, inferred from the server's route definitions (never
// written out again here): a change to a route's response schema shows up in these types.
type V1 = ApiClient['api']['v1'];

export type RunAnswer = Answer<V1['runs'][':runId']['$get']>;
export type StepAnswer = NonNullable<RunAnswer['steps']>[number];
export type DriftReportAnswer = Answer<V1['models'][':name']['drift']['$get']>['reports'][number];
export type FeatureDriftAnswer = DriftReportAnswer['features'][number];
