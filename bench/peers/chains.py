"""The same N-step no-op chain in Prefect and Dagster, for `npm run bench -- peers`.

    python chains.py <tool> <steps> <runs>

Prints one JSON line: the wall time of each run in seconds (the first run, which starts the tool's
own machinery, reported apart as `cold`). Prefect runs with its ephemeral API (its default without a
server); Dagster in process (`execute_in_process`), as a user would try either on one machine."""

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


def main() -> None:
    tool, steps, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    run = prefect_chain(steps) if tool == "prefect" else dagster_chain(steps)
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"tool": tool, "steps": steps, "cold": times[0], "seconds": times[1:]}))


if __name__ == "__main__":
    main()
