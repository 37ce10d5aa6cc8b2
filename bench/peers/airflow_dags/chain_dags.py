"""Airflow's side of `npm run bench -- peers`: the N-step no-op chain as Airflow DAGs, one per size.

Airflow's `dag.test()` (what `airflow dags test` runs) reads DAGs from its DAGs folder into its
metadata database before each run, so the chains live in a DAG file of their own, in the folder the
benchmark points AIRFLOW__CORE__DAGS_FOLDER at, and chains.py runs them from here. The sizes come
from CAIRN_BENCH_CHAIN_SIZES, which the benchmark sets from its own list."""

from __future__ import annotations

import datetime
import os

from airflow.sdk import dag, task

SIZES = tuple(int(size) for size in os.environ.get("CAIRN_BENCH_CHAIN_SIZES", "10,50").split(","))


@task
def noop(value: int) -> int:
    return value


def chain_dag(steps: int):
    @dag(dag_id=f"cairn_bench_chain_{steps}", schedule=None, start_date=datetime.datetime(2026, 1, 1), catchup=False)
    def chain():
        value = 0
        for _ in range(steps):
            value = noop(value)

    return chain()


CHAINS = {steps: chain_dag(steps) for steps in SIZES}
