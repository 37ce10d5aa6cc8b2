"""The same N-step no-op chain in Prefect, Dagster (in process and multiprocess) and Airflow, for
`npm run bench -- peers`.

    python chains.py <tool> <steps> <runs>

Prints one JSON line: the wall time of each run in seconds (the first run, which starts the tool's
own machinery, reported apart as `cold`). Prefect runs with its ephemeral API (its default without a
server); Dagster in process (`execute_in_process`) and with its default multiprocess executor
(`execute_job`: a process per step, against a persistent instance under DAGSTER_HOME); Airflow with
`dag.test()` (what `airflow dags test` runs: in process, against its metadata database, which the
benchmark migrates beforehand), as a user would try each on one machine. Airflow's chains are in
airflow_dags/chain_dags.py."""

from __future__ import annotations

import json
import os
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


def dagster_job(steps: int):
    from dagster import job, op

    @op
    def first() -> int:
        return 0

    @op
    def noop(value: int) -> int:
        return value

    @job(name=f"chain_{steps}")
    def chain():
        value = first()
        for i in range(steps - 1):
            value = noop.alias(f"s{i}")(value)

    return chain


def dagster_chain(steps: int):
    chain = dagster_job(steps)
    return lambda: chain.execute_in_process(raise_on_error=True)


def multiprocess_job():
    """The chain as a Dagster job for its multiprocess executor, which re-imports it in a process per
    step: a module-level factory (what `reconstructable` needs), its length from the environment."""
    return dagster_job(int(os.environ["CAIRN_BENCH_STEPS"]))


def dagster_multiprocess_chain(steps: int):
    from dagster import DagsterInstance, execute_job, reconstructable

    os.environ["CAIRN_BENCH_STEPS"] = str(steps)
    # A persistent instance under DAGSTER_HOME: the multiprocess executor needs one to share the
    # run's events and outputs between its processes.
    os.makedirs(os.environ["DAGSTER_HOME"], exist_ok=True)
    instance = DagsterInstance.get()

    def run():
        result = execute_job(reconstructable(multiprocess_job), instance=instance, raise_on_error=True)
        if not result.success:
            raise RuntimeError("dagster (multiprocess): the run did not succeed")

    return run


def airflow_chain(steps: int):
    import importlib.util

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


CHAIN_BUILDERS = {
    "prefect": prefect_chain,
    "dagster": dagster_chain,
    "dagster-multiprocess": dagster_multiprocess_chain,
    "airflow": airflow_chain,
}


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
