import { canonicalJson } from '../canonicalJson';
import type { Experiment } from '../store/experimentsTable';

export interface ExperimentComparison {
  a: ExperimentHeading;
  b: ExperimentHeading;
  /** Every param either one had, side by side; `differs` when their values are not the same JSON. */
  params: { name: string; a: unknown; b: unknown; differs: boolean }[];
  /** Every metric either one had; `delta` is b - a when both have it. */
  metrics: { name: string; a: number | null; b: number | null; delta: number | null }[];
  /** What else may explain a difference: the data, the code, the pipeline's spec. */
  dataset: { a: string | null; b: string | null; same: boolean };
  code: { a: string; b: string; same: boolean };
  spec: { a: string; b: string; same: boolean };
}

type ExperimentHeading = Pick<Experiment, 'id' | 'runId' | 'step' | 'pipeline' | 'algorithm' | 'durationMs' | 'createdAt'>;

const heading = ({ id, runId, step, pipeline, algorithm, durationMs, createdAt }: Experiment): ExperimentHeading => ({ id, runId, step, pipeline, algorithm, durationMs, createdAt });
const union = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

/** Two experiments side by side: params and metrics, and whether the data, code and spec were the same. */
export function compareExperiments(a: Experiment, b: Experiment): ExperimentComparison {
  return {
    a: heading(a),
    b: heading(b),
    params: union(a.params, b.params).map((name) => {
      const [left, right] = [a.params[name], b.params[name]];
      return { name, a: left ?? null, b: right ?? null, differs: canonicalJson(left ?? null) !== canonicalJson(right ?? null) };
    }),
    metrics: union(a.metrics, b.metrics).map((name) => {
      const [left, right] = [a.metrics[name] ?? null, b.metrics[name] ?? null];
      return { name, a: left, b: right, delta: left !== null && right !== null ? right - left : null };
    }),
    dataset: { a: a.datasetSha256, b: b.datasetSha256, same: a.datasetSha256 === b.datasetSha256 },
    code: { a: a.codeVersion, b: b.codeVersion, same: a.codeVersion === b.codeVersion },
    spec: { a: a.specHash, b: b.specHash, same: a.specHash === b.specHash },
  };
}
