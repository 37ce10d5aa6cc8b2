"""The same N-step no-op chain in Prefect, Dagster and Airflow, for `npm run bench -- peers`.

    python chains.py <tool> <steps> <runs>

Prints one JSON line: the wall time of each run in seconds (the first run, which starts the tool's
own machinery, reported apart as `cold`). Prefect runs with its ephemeral API (its default without a
server); Dagster in process (`execute_in_process`); Airflow with `dag.test()` (what `airflow dags
test` runs: in process, against its metadata database, which the benchmark migrates beforehand), as
a user would try each on one machine. Airflow's chains are in airflow_dags/chain_dags.py."""

from __future__ import annotations

import json
import sys
import time


def prefect_chain(steps: int):
    from prefect import flow, task

    @task
    def noop(value: int) -> int:
        return value

    @flow
    def chain() -> int:
        value = 0
        for _ in range(steps):
            value = noop(value)
        return value

    return chain


def dagster_chain(steps: int):
    from dagster import job, op

    @op
    def first() -> int:
        return 0

    @op
    def noop(value: int) -> int:
        return value

    @job
    def chain():
        value = first()
        for i in range(steps - 1):
            value = noop.alias(f"s{i}")(value)

    return lambda: chain.execute_in_process(raise_on_error=True)


def airflow_chain(steps: int):
    import importlib.util
    import os

    # The DAG file the benchmark put Airflow's DAGs folder on (dag.test() reads the folder itself).
    path = os.path.join(os.environ["AIRFLOW__CORE__DAGS_FOLDER"], "chain_dags.py")
    spec = importlib.util.spec_from_file_location("chain_dags", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    chain = module.CHAINS[steps]

    def run():
        dag_run = chain.test()
        if dag_run is None or dag_run.state != "success":
            raise RuntimeError(f"airflow: {chain.dag_id} ended {dag_run.state if dag_run else 'without a run'}")

    return run


CHAIN_BUILDERS = {"prefect": prefect_chain, "dagster": dagster_chain, "airflow": airflow_chain}


def main() -> None:
    tool, steps, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    run = CHAIN_BUILDERS[tool](steps)
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"tool": tool, "steps": steps, "cold": times[0], "seconds": times[1:]}))


if __name__ == "__main__":
    main()
