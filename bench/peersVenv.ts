/**
 * The private venvs of the tools Cairn is compared with, at the versions the recorded figures were
 * taken with, from PyPI, created when missing:
 * - .tools/peers: Prefect, Dagster, Evidently, MLflow's scoring server (with scikit-learn, and skops,
 *   which MLflow saves scikit-learn models with), LightGBM and XGBoost (its CPU-only wheel, without
 *   the CUDA libraries), FastAPI and uvicorn (for a hand-written scoring route);
 * - .tools/airflow: Apache Airflow alone, because it pins its own SQLAlchemy, FastAPI and
 *   OpenTelemetry versions, which pip would otherwise have to reconcile with Prefect's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS_DIR = fileURLToPath(new URL('../.tools/', import.meta.url));
/** Evidently 0.7 does not import with pandas 3: pandas stays below it. */
export const PEER_PACKAGES = ['prefect==3.9.1', 'dagster==1.13.29', 'evidently==0.7.23', 'pandas<3', 'mlflow-skinny==3.18.0', 'scikit-learn==1.9.1', 'skops==0.16.0', 'lightgbm==4.7.0', 'xgboost-cpu==3.2.0', 'fastapi==0.150.0', 'uvicorn==0.55.0'];
export const AIRFLOW_PACKAGES = ['apache-airflow==3.3.2'];

/** A venv's Python, after installing `packages` into it if it has not got them yet. */
function venvPython(name: string, packages: string[]): string {
  const venv = join(TOOLS_DIR, name);
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.cairn-packages');
  const wanted = packages.join(' ');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return python;
  console.log(`installing ${wanted} into ${venv} (a minute or two)`);
  if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], { stdio: 'inherit' });
  writeFileSync(stamp, wanted);
  return python;
}

/** The Python of the peers' venv (.tools/peers). */
export function peersPython(): string {
  return venvPython('peers', PEER_PACKAGES);
}

/** The Python of Airflow's own venv (.tools/airflow). */
export function airflowPython(): string {
  return venvPython('airflow', AIRFLOW_PACKAGES);
}

/** The peers' venv's bin directory, for commands that start others by name (mlflow models serve starts uvicorn). */
export function peersBin(): string {
  return join(TOOLS_DIR, 'peers', 'bin');
}
