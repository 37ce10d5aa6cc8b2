/**
 * One line a person reads for what a built-in stage produced (`cairn run --wait`, `cairn status`):
 * its JSON output starts with artifact references, so the first 160 characters of it showed hashes
 * and cut the metrics off. Each reader looks at the output as unknown JSON (a run recorded by an
 * older Cairn may lack a field): a shape it does not expect gives undefined and the JSON is shown.
 * Plain TypeScript on purpose: the CLI's HTTP commands load no zod. The run page shows the same line.
 */

type Output = Record<string, unknown>;

const isObject = (value: unknown): value is Output => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
/** A metric as people read one: 4 significant digits, no exponent for ordinary sizes. */
const metric = (n: number) => (Number.isInteger(n) ? String(n) : Math.abs(n) >= 1000 ? n.toFixed(1) : Number(n.toPrecision(4)).toString());
/** The first 12 hex digits of an artifact reference's hash, as the rest of the CLI shows datasets. */
const shortHash = (ref: unknown) => (isObject(ref) && typeof ref.sha256 === 'string' ? ref.sha256.slice(0, 12) : undefined);
const list = (names: string[], most = 5) => (names.length > most ? `${names.slice(0, most).join(', ')} and ${names.length - most} more` : names.join(', '));

function ingest(o: Output): string | undefined {
  const rows = num(o.rows);
  if (rows === undefined || !Array.isArray(o.columns)) return undefined;
  const csv = isObject(o.source) && isObject(o.source.csv) ? o.source.csv : undefined;
  const dialect = csv && (csv.delimiter !== ',' || csv.decimalSeparator !== '.') ? ` (CSV delimited by '${String(csv.delimiter).replace('\t', '\\t')}', decimals '${String(csv.decimalSeparator)}')` : '';
  return `${plural(rows, 'row')} x ${plural(o.columns.length, 'column')}${dialect}: dataset ${shortHash(o.dataset) ?? '?'}`;
}

function validate(o: Output): string | undefined {
  const [rows, invalid] = [num(o.rows), num(o.invalidRows)];
  if (rows === undefined || invalid === undefined) return undefined;
  return `${count(rows)} rows, ${count(invalid)} invalid${invalid > 0 ? ` (${(((num(o.invalidFraction) ?? invalid / rows) * 100).toFixed(2))}%)` : ''}: passed`;
}

function train(o: Output): string | undefined {
  const m = isObject(o.metrics) ? o.metrics : undefined;
  const [trainRows, testRows, score] = [num(m?.trainRows), num(m?.testRows), num(m?.holdoutScore)];
  if (!m || trainRows === undefined || testRows === undefined || score === undefined) return undefined;
  const dropped = num(m.droppedRows) ?? 0;
  const leftOut = Array.isArray(o.leftOut) ? o.leftOut.filter(isObject).map((c) => String(c.column)) : [];
  return [
    `${text(o.algorithm) ?? 'model'} on ${count(trainRows)} rows: holdout ${text(m.metric) ?? 'score'} ${metric(score)} (${count(testRows)} rows)`,
    dropped > 0 ? `${count(dropped)} rows without a target dropped` : '',
    leftOut.length > 0 ? `left out: ${list(leftOut)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function evaluate(o: Output): string | undefined {
  const primary = text(o.primaryMetric);
  const m = isObject(o.metrics) ? o.metrics : undefined;
  const value = primary ? num(m?.[primary]) : undefined;
  const rows = num(o.holdoutRows);
  if (!primary || value === undefined || rows === undefined) return undefined;
  const on = isObject(o.evaluatedOn) && o.evaluatedOn.kind === 'evaluation-dataset' ? 'evaluation' : 'holdout';
  const line = `${primary} ${metric(value)} on ${count(rows)} ${on} rows`;
  const c = isObject(o.comparison) ? o.comparison : undefined;
  if (!c) return line;
  if (c.version === null) return `${line}; no ${String(c.model)} ${String(c.alias)} version to compare with`;
  if (typeof c.notCompared === 'string') return `${line}; ${String(c.alias)} not compared: ${c.notCompared}`;
  const theirs = isObject(c.metrics) ? num(c.metrics[primary]) : undefined;
  const verdict = c.candidateIsBetter === true ? 'better' : c.candidateIsBetter === false ? 'not better' : 'not compared';
  return `${line}; ${String(c.alias)} v${String(c.version)}${theirs === undefined ? '' : ` ${metric(theirs)}`}: ${verdict}`;
}

function register(o: Output): string | undefined {
  const [model, version] = [text(o.model), num(o.version)];
  if (!model || version === undefined) return undefined;
  return `${model} v${version}${o.created === false ? ' (registered by an earlier attempt of this step)' : ''}`;
}

function deploy(o: Output): string | undefined {
  const [model, alias, version] = [text(o.model), text(o.alias), num(o.version)];
  if (!model || !alias || version === undefined) return undefined;
  const from = typeof o.previous === 'number' ? `v${o.previous}` : '(none)';
  const canary = isObject(o.canary) ? `; canary analysis ${String(o.canary.analysisId)}` : '';
  return `${model} ${alias}: ${o.moved === false ? `stays v${version}` : `${from} -> v${version}`}${canary}`;
}

function monitor(o: Output): string | undefined {
  const [model, version, rows] = [text(o.model), num(o.version), num(o.rows)];
  if (!model || version === undefined || rows === undefined) return undefined;
  if (o.status === 'insufficient-data') return `${model} v${version}: no verdict, ${count(rows)} rows served`;
  const drifted = Array.isArray(o.driftedFeatures) ? o.driftedFeatures.map(String) : [];
  const accuracy = num(o.accuracy);
  return `${model} v${version} on ${count(rows)} rows: ${o.drifted ? `DRIFT${drifted.length > 0 ? ` in ${list(drifted)}` : ''}` : 'no drift'}${accuracy === undefined ? '' : `; accuracy ${metric(accuracy)}`}`;
}

const SUMMARIES: Record<string, (output: Output) => string | undefined> = { ingest, validate, train, evaluate, register, deploy, monitor };

/** Exactly what `runtime.writeDataset` returns, which a step of one's own hands on as its output. */
const isWrittenDataset = (o: Output) => {
  const keys = Object.keys(o).sort().join(',');
  return keys === 'columns,dataset,profile,rows' && shortHash(o.dataset) !== undefined;
};

/**
 * The line for a built-in stage's output, or for a step's own output that is a dataset it wrote
 * (read as ingest's is), else undefined (a user's step, or a shape not expected).
 */
export function stageSummary(activity: string, output: unknown): string | undefined {
  if (!isObject(output)) return undefined;
  const summary = SUMMARIES[activity] ?? (isWrittenDataset(output) ? ingest : undefined);
  return summary?.(output);
}

/** An artifact reference (`{ uri: 'cas://...', sha256, size, mediaType }`) as a person reads one: its short hash and size. */
function compactArtifacts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compactArtifacts);
  if (!isObject(value)) return value;
  if (typeof value.uri === 'string' && value.uri.startsWith('cas://') && typeof value.sha256 === 'string' && num(value.size) !== undefined) {
    return `artifact ${value.sha256.slice(0, 12)} (${count(num(value.size) as number)} bytes)`;
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, compactArtifacts(inner)]));
}

/**
 * Any step's output on one line of at most `maxChars`: a user's step's JSON, with each artifact
 * reference shortened (a Python fit's output began with two 250-character references and was cut
 * before anything else was shown).
 */
export function outputJsonLine(output: unknown, maxChars: number): string {
  const json = JSON.stringify(compactArtifacts(output));
  return json.length > maxChars ? `${json.slice(0, maxChars - 1)}…` : json;
}

