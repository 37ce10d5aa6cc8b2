"""Drift on the drift benchmark's data shape, in the tools a user might pick instead, for
`npm run bench -- drift`:

    python drift.py <evidently rows> <numpy rows>

20 numeric columns, reference N(c, 1 + c/10) and current shifted by 0.1 * (c % 3), as bench/drift.ts
makes them (numpy's generator, so equal in distribution, not bit for bit). Prints one JSON line with
cell-values per second (the current data's cells, as Cairn counts them) for Evidently's
DataDriftPreset and for numpy's sort + searchsorted (PSI over reference deciles and two-sample KS)."""

from __future__ import annotations

import json
import sys
import time

import numpy as np

COLUMNS = 20


def columns(rows: int, seed: int, shift: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([rng.normal(c + shift * (c % 3), 1 + c / 10, rows) for c in range(COLUMNS)], axis=1)


def numpy_psi_ks(reference: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    r = np.sort(reference)
    c = np.sort(current)
    edges = r[((np.arange(1, 10) * (len(r) - 1)) // 10)]
    rs = np.maximum(np.diff(np.searchsorted(r, edges, side="left"), prepend=0, append=len(r)) / len(r), 1e-4)
    cs = np.maximum(np.diff(np.searchsorted(c, edges, side="left"), prepend=0, append=len(c)) / len(c), 1e-4)
    psi = float(np.sum((cs - rs) * np.log(cs / rs)))
    both = np.concatenate([r, c])
    ks = float(np.max(np.abs(np.searchsorted(r, both, side="right") / len(r) - np.searchsorted(c, both, side="right") / len(c))))
    return psi, ks


def main() -> None:
    evidently_rows, numpy_rows = int(sys.argv[1]), int(sys.argv[2])
    result = {}

    reference, current = columns(numpy_rows, 1, 0.0), columns(numpy_rows, 2, 0.1)
    t0 = time.perf_counter()
    for c in range(COLUMNS):
        numpy_psi_ks(reference[:, c], current[:, c])
    result["numpy_cells_per_s"] = numpy_rows * COLUMNS / (time.perf_counter() - t0)

    import pandas as pd
    from evidently import Report
    from evidently.presets import DataDriftPreset

    names = [f"c{c}" for c in range(COLUMNS)]
    reference = pd.DataFrame(columns(evidently_rows, 1, 0.0), columns=names)
    current = pd.DataFrame(columns(evidently_rows, 2, 0.1), columns=names)
    t0 = time.perf_counter()
    Report([DataDriftPreset()]).run(current, reference).dict()
    result["evidently_cells_per_s"] = evidently_rows * COLUMNS / (time.perf_counter() - t0)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
