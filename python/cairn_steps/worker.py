"""A Temporal Python worker for Cairn step queues:

    python -m cairn_steps.worker --queue python --module path/to/steps.py [--module my_package.steps]

It registers every step the modules declare (with @step) and polls `cairn-<queue>`, the task queue
the pipelines' `pythonStep(..., { queue })` sends them to. Configuration is read from the same
environment variables as Cairn's TypeScript workers: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, the
Temporal CLI's TLS and API-key variables, CAIRN_ARTIFACTS_DIR (else CAIRN_HOME/artifacts; the store
must be the one the TypeScript workers use), CAIRN_SPEC_SECRET, and CAIRN_WORKER_METRICS_PORT (with
CAIRN_HOST) for Prometheus' /metrics."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import logging
import os
import signal
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from types import ModuleType

from temporalio.client import Client
from temporalio.worker import Worker

from .activity import to_activity
from .artifacts import ArtifactStore
from .connection import connect_options
from .errors import ConfigError
from .metrics import serve_metrics
from .step import StepDefinition

log = logging.getLogger("cairn_steps")


def load_module(spec: str) -> ModuleType:
    """A module by file path (`steps/fit.py`) or by dotted name (`my_package.steps`)."""
    if spec.endswith(".py") or os.sep in spec:
        path = Path(spec).resolve()
        if not path.is_file():
            raise ConfigError(f"--module {spec}: no such file")
        sys.path.insert(0, str(path.parent))
        module_spec = importlib.util.spec_from_file_location(path.stem, path)
        if module_spec is None or module_spec.loader is None:
            raise ConfigError(f"--module {spec}: not a Python module")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[path.stem] = module
        module_spec.loader.exec_module(module)
        return module
    return importlib.import_module(spec)


def import_modules(specs: list[str]) -> list[ModuleType]:
    modules = []
    for spec in specs:
        try:
            modules.append(load_module(spec))
        except ConfigError:
            raise
        except Exception as error:  # noqa: BLE001 - the user's module: say which one, and keep its traceback in the log
            traceback.print_exc()
            raise ConfigError(f"--module {spec} does not import: {type(error).__name__}: {error}") from None
    return modules


def steps_of(modules: list[ModuleType]) -> list[StepDefinition]:
    found: dict[str, StepDefinition] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, StepDefinition):
                known = found.get(value.name)
                if known is not None and known is not value:
                    raise ConfigError(f"two different steps are named '{value.name}'")
                found[value.name] = value
    if not found:
        raise ConfigError(f"no steps declared with @step in {', '.join(m.__name__ for m in modules)}")
    return list(found.values())


def _number(env: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name}={text!r}: expected a number from {low:g} to {high:g}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={text!r}: expected a number from {low:g} to {high:g}")
    return value


def _step_log_store(env: dict[str, str]):
    """Where steps' log lines are kept: the metadata store when DATABASE_URL is set (else the worker's log only)."""
    url = env.get("DATABASE_URL")
    if not url:
        return None
    from .step_log import PostgresStepLogs

    return PostgresStepLogs(url, int(_number(env, "CAIRN_STEP_LOG_MAX_LINES", 10_000, 10, 1_000_000)))


def artifact_root(env: dict[str, str]) -> str:
    return env.get("CAIRN_ARTIFACTS_DIR") or os.path.join(env.get("CAIRN_HOME") or ".cairn", "artifacts")


# What the Temporal core says when nothing answers at the address (refused, no route, no such host).
_UNREACHABLE = ("tcp connect error", "dns error", "Connection refused", "timed out", "Failed to connect before the deadline")


async def connect_when_reachable(options: dict, sleep=asyncio.sleep) -> Client:
    """Client.connect, retried while Temporal does not answer (1 s doubling to 30 s, each try said on
    stderr), as Cairn's TypeScript workers do: a worker started before its Temporal comes up with it.
    Any other failure (a TLS certificate refused) stops the worker, naming the address."""
    address = options.get("target_host", "?")
    attempt = 0
    while True:
        try:
            return await Client.connect(**options)
        except Exception as error:  # the SDK raises RuntimeError, or ValueError for an address that does not parse
            if not any(marker in str(error) for marker in _UNREACHABLE):
                raise ConfigError(f"cannot connect to Temporal at {address} (TEMPORAL_ADDRESS): {str(error).splitlines()[0][:300]}") from error
            wait = min(30.0, 2.0 ** min(attempt, 10))
            print(f"cairn-steps: Temporal at {address} (TEMPORAL_ADDRESS) does not answer; waiting for it ({wait:.0f} s): {str(error)[:200]}", file=sys.stderr, flush=True)
            await sleep(wait)
            attempt += 1


async def run_worker(queues: list[str], modules: list[str], env: dict[str, str]) -> None:
    steps = steps_of(import_modules(modules))
    store = ArtifactStore(artifact_root(env))
    max_steps = int(_number(env, "CAIRN_PYTHON_MAX_STEPS", 4, 1, 256))
    drain = timedelta(seconds=_number(env, "CAIRN_WORKER_DRAIN_SECONDS", 10, 0, 3600))
    executor = ThreadPoolExecutor(max_workers=max_steps, thread_name_prefix="cairn-step")
    step_logs = _step_log_store(env)
    activities = [to_activity(s, store, env.get("CAIRN_SPEC_SECRET") or None, executor, step_logs) for s in steps]
    metrics_port = env.get("CAIRN_WORKER_METRICS_PORT")
    if metrics_port:
        serve_metrics(env.get("CAIRN_HOST") or "127.0.0.1", int(_number(env, "CAIRN_WORKER_METRICS_PORT", 0, 1, 65535)))
    client = await connect_when_reachable(connect_options(env))
    workers = [
        Worker(client, task_queue=f"cairn-{queue}", activities=activities, max_concurrent_activities=max_steps, graceful_shutdown_timeout=drain)
        for queue in queues
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with _all(workers):
        # Tests and `cairn dev` wait for this line: the worker polls from here on.
        print(f"cairn-steps: polling {', '.join(f'cairn-{q}' for q in queues)} for {', '.join(sorted(s.name for s in steps))}", flush=True)
        await stop.wait()
    executor.shutdown(wait=False, cancel_futures=True)


class _all:
    """Runs several workers together; leaving stops them all (draining running steps)."""

    def __init__(self, workers: list[Worker]) -> None:
        self.workers = workers

    async def __aenter__(self) -> None:
        for worker in self.workers:
            await worker.__aenter__()

    async def __aexit__(self, *exc: object) -> None:
        for worker in reversed(self.workers):
            await worker.__aexit__(None, None, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cairn_steps.worker", description="Runs Cairn steps written in Python on a Temporal Python worker.")
    parser.add_argument("--queue", action="append", required=True, help="a step queue the pipelines name (polls cairn-<queue>); repeatable")
    parser.add_argument("--module", action="append", required=True, help="a Python file or dotted module declaring steps with @step; repeatable")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper() if os.environ.get("LOG_LEVEL") != "silent" else "CRITICAL", format="%(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(run_worker(args.queue, args.module, dict(os.environ)))
    except ConfigError as error:
        print(f"cairn-steps: {error}", file=sys.stderr)
        return 2
    return 0


def exit_without_finalizing(code: int) -> None:
    """Leaves with `code`, everything flushed, skipping the interpreter's finalization: the Temporal
    SDK's Rust runtime keeps threads that may call into Python while it finalizes (seen here once:
    "Fatal Python error: PyGILState_Release ... finalizing", then SIGABRT), which would replace the
    exit code a supervisor reads (2 for a bad address) with a crash."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_without_finalizing(main())
