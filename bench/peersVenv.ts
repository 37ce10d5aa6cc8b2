/**
 * The private venv of the tools Cairn is compared with (.tools/peers): Prefect, Dagster, Evidently,
 * MLflow's scoring server (with scikit-learn, and skops, which MLflow saves scikit-learn models with),
 * LightGBM and XGBoost (its CPU-only wheel, without the CUDA libraries), FastAPI and uvicorn (for a
 * hand-written scoring route), at the versions the recorded
 * figures were taken with, from PyPI, created when missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VENV = fileURLToPath(new URL('../.tools/peers/', import.meta.url));
/** Evidently 0.7 does not import with pandas 3: pandas stays below it. */
export const PEER_PACKAGES = ['prefect==3.9.1', 'dagster==1.13.29', 'evidently==0.7.23', 'pandas<3', 'mlflow-skinny==3.18.0', 'scikit-learn==1.9.1', 'skops==0.16.0', 'lightgbm==4.7.0', 'xgboost-cpu==3.2.0', 'fastapi==0.150.0', 'uvicorn==0.55.0'];

/** The venv's Python, after installing the pinned packages if this venv has not got them yet. */
export function peersPython(): string {
  const python = join(VENV, 'bin', 'python');
  const stamp = join(VENV, '.cairn-packages');
  const wanted = PEER_PACKAGES.join(' ');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return python;
  console.log(`installing ${wanted} into ${VENV} (a minute or two)`);
  if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PEER_PACKAGES], { stdio: 'inherit' });
  writeFileSync(stamp, wanted);
  return python;
}

/** The venv's bin directory, for commands that start others by name (mlflow models serve starts uvicorn). */
export function peersBin(): string {
  return join(VENV, 'bin');
}
