"""Cairn's seeded, stratified holdout split (lib/ml/split.ts and lib/ml/holdout.ts), reproduced bit
for bit: a Python training step that trains on `train` leaves exactly the rows Cairn's evaluate stage
scores it on (the same dataset, test fraction and seed)."""

from __future__ import annotations

import math
from typing import Literal

from .canonical import js_text, utf16_order
from .errors import DataError

_MASK = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & _MASK


def seeded_random(seed: int):
    """mulberry32, as lib/seededRandom.ts: the same seed gives the same floats in [0, 1)."""
    state = seed & _MASK

    def next_float() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & _MASK
        t = state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & _MASK
        return ((t ^ (t >> 14)) & _MASK) / 4294967296

    return next_float


def stratified_split(labels: list[str], test_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Row indices (train, test): within each label, shuffled with the seed; the first round(n * fraction) are test rows."""
    by_label: dict[str, list[int]] = {}
    for row, label in enumerate(labels):
        by_label.setdefault(label, []).append(row)
    random = seeded_random(seed)
    train: list[int] = []
    test: list[int] = []
    for label in sorted(by_label, key=utf16_order):
        rows = by_label[label]
        for i in range(len(rows) - 1, 0, -1):
            j = math.floor(random() * (i + 1))
            rows[i], rows[j] = rows[j], rows[i]
        test_count = math.floor(len(rows) * test_fraction + 0.5)  # Math.round: halves go up
        test.extend(rows[:test_count])
        train.extend(rows[test_count:])
    return sorted(train), sorted(test)


def _has_target(value) -> bool:
    # Cairn drops a row whose target is null, NaN or infinite before it splits.
    import pandas as pd

    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return math.isfinite(value)
    return not bool(pd.isna(value))


def holdout(frame, target: str, task: Literal["classification", "regression"], test_fraction: float, seed: int):
    """(train, test) DataFrames of a dataset, as Cairn splits it: rows without a target are dropped
    first (Cairn's train and evaluate do the same), then the split is stratified by label for
    classification. Use the same `test_fraction` and `seed` in the step's output `split`."""
    if target not in frame.columns:
        raise DataError(f"target column '{target}' is not in the dataset; columns: {', '.join(map(str, frame.columns))}")
    values = frame[target].tolist()
    keep = [i for i, v in enumerate(values) if _has_target(v)]
    kept = frame.iloc[keep].reset_index(drop=True)
    strata = [js_text(values[i]) for i in keep] if task == "classification" else ["all"] * len(keep)
    train, test = stratified_split(strata, test_fraction, seed)
    if not train or not test:
        raise DataError(f"too few rows ({len(keep)}) for a {test_fraction} holdout")
    return kept.iloc[train].reset_index(drop=True), kept.iloc[test].reset_index(drop=True)
