"""Turns a declared step into a Temporal activity, as activities/stepActivity.ts does for TypeScript
steps: refuses a step the API did not issue (with CAIRN_SPEC_SECRET), parses its config (a
non-retryable ConfigError naming each field, in pydantic's words), resolves upstream outputs that
travelled by reference, heartbeats while it runs so a dead worker is noticed and cancellation
reaches it, gives a cancelled step 5 s to stop before abandoning it, names Cairn's error kinds so
data and config errors are never retried, and checks and (when large) stores the output."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
import traceback
from concurrent.futures import Executor
from typing import Any

from pydantic import BaseModel, ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from .artifacts import MAX_STEP_OUTPUT_BYTES, ArtifactStore, offload_large_output, resolve_output
from .authority import verify_step
from .errors import NON_RETRYABLE, ConfigError
from .metrics import STEP_DURATION, STEP_RETRIES
from .step import RunContext, StepDefinition, StepInput, StepRuntime
from .step_log import Sink, StepLog

#: How long a cancelled step may take to stop before its attempt is abandoned (activities/stepActivity.ts CANCEL_GRACE_MS).
CANCEL_GRACE_SECONDS = 5.0
#: How often a running step's log lines are sent to the store.
LOG_FLUSH_SECONDS = 1.0
#: How much of a failed attempt's traceback its last log line keeps (activities/stepActivity.ts STACK_CHARS).
STACK_CHARS = 4_000

log = logging.getLogger("cairn_steps")


def auto_heartbeat_seconds(timeout_seconds: float | None) -> float:
    """A third of the heartbeat timeout (so one late beat never times out a healthy step), between 50 ms and 10 s."""
    if not timeout_seconds:
        return 10.0
    return min(10.0, max(0.05, timeout_seconds / 3))


def _issues(error: ValidationError, prefix: str) -> str:
    return "; ".join(f"{prefix}{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}" for issue in error.errors())


def parse_config(definition: StepDefinition, step_name: str, config: Any) -> Any:
    if definition.config is None:
        return config
    try:
        return definition.config.model_validate(config)
    except ValidationError as error:
        raise ConfigError(f"step '{step_name}' ({definition.name}): {_issues(error, 'config.')}") from None


def _is_numpy(value: Any) -> bool:
    """A numpy scalar or array (what pandas and scikit-learn hand back: np.int64, np.float32, an ndarray of scores)."""
    return type(value).__module__ == "numpy" and callable(getattr(value, "tolist", None))


def _numpy_as_json(value: Any) -> Any:
    """json.dumps' fallback: numpy values as the numbers and lists they hold; anything else stays an error."""
    if _is_numpy(value):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_HINTS = {
    "datetime": "return its text, value.isoformat()",
    "date": "return its text, value.isoformat()",
    "Timestamp": "return its text, value.isoformat()",
    "Decimal": "return float(value) or str(value)",
    "set": "return sorted(value) or list(value)",
    "bytes": "store data as an artifact and return its reference",
    "DataFrame": "store it as an artifact (runtime.artifacts.put) and return its reference",
    "Series": "return value.tolist()",
}


def non_json_at(value: Any, path: str) -> str | None:
    """Where an output stops being JSON and what is there, so the message names the field (json.dumps
    only says "Object of type datetime is not JSON serializable"); numpy values count as JSON."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if value == value and value not in (float("inf"), float("-inf")) else f"{path} is {value}, which JSON cannot hold: return None or a finite number"
    if _is_numpy(value):
        return non_json_at(value.tolist(), path)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                return f"{path} has the key {key!r}, a {type(key).__name__}: JSON keys are text"
            problem = non_json_at(item, f"{path}.{key}" if isinstance(key, str) and key.isidentifier() else f"{path}[{json.dumps(key)}]")
            if problem:
                return problem
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            problem = non_json_at(item, f"{path}[{index}]")
            if problem:
                return problem
        return None
    name = type(value).__name__
    hint = _HINTS.get(name)
    return f"{path} is a {name}" + (f": {hint}" if hint else "")


def check_output(definition: StepDefinition, step_name: str, output: Any, store: ArtifactStore) -> Any:
    if output is None:
        return None
    if isinstance(output, BaseModel):
        output = output.model_dump(mode="json", by_alias=True)
    try:
        text = json.dumps(output, allow_nan=False, separators=(",", ":"), ensure_ascii=False, default=_numpy_as_json)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"step '{step_name}' returned a value that is not plain JSON: {non_json_at(output, 'output') or error}") from None
    # What travels (and is checked against the declared output) is the JSON: numpy values as plain numbers and lists.
    output = json.loads(text)
    if definition.output is not None:
        try:
            definition.output.model_validate(output)
        except ValidationError as error:
            raise ConfigError(f"step '{step_name}' ({definition.name}) returned an output that does not fit what it declares: {_issues(error, 'output.')}") from None
    size = len(text.encode())
    if size > MAX_STEP_OUTPUT_BYTES:
        raise ConfigError(f"step '{step_name}' returned {size} bytes; outputs are capped at {MAX_STEP_OUTPUT_BYTES}: store data as an artifact and return its reference")
    return offload_large_output(output, text, store)


def _failure(error: BaseException) -> ApplicationError:
    """The failure the workflow sees: its type is the error's class name (the workflow's retry policy)."""
    return ApplicationError(str(error), type=type(error).__name__, non_retryable=isinstance(error, NON_RETRYABLE))


def to_activity(definition: StepDefinition, store: ArtifactStore, spec_secret: str | None, executor: Executor, step_logs: Sink | None = None):
    @activity.defn(name=definition.name)
    async def run_step(step_input: dict[str, Any]) -> Any:
        info = activity.info()
        run = step_input["run"]
        try:
            verify_step(spec_secret, definition.name, step_input)
            config = parse_config(definition, run["step"], step_input.get("config", {}))
        except NON_RETRYABLE as error:
            raise _failure(error) from None
        attempt = run.get("attempt") or info.attempt
        if attempt > 1:
            STEP_RETRIES.labels(run["pipeline"], run["step"]).inc()
        step_log = StepLog(run["runId"], run["step"], attempt, step_logs)
        runtime = StepRuntime(artifacts=store, attempt=attempt, log=step_log)
        # Only a step whose lines go to a store has anything to send while it runs.
        flushing = asyncio.create_task(_flush_logs(step_log)) if step_logs is not None else None
        timeout = info.heartbeat_timeout.total_seconds() if info.heartbeat_timeout else None
        started = time.monotonic()
        outcome = "failed"
        beats = asyncio.create_task(_heartbeat(runtime, definition, run["step"], timeout))
        work: asyncio.Future | None = None
        try:
            upstream = {name: resolve_output(value, store) for name, value in (step_input.get("upstream") or {}).items()}
            step_call = StepInput(run=RunContext.model_validate(run), config=config, upstream=upstream)
            work = _start(definition, step_call, runtime, executor)
            done, _ = await asyncio.wait({work, beats}, return_when=asyncio.FIRST_COMPLETED)
            if beats in done and work not in done:
                runtime._cancelled.set()
                beats.result()  # a stalled step: raises StepStalled, and the step's thread is abandoned
            output = check_output(definition, run["step"], await work, store)
            outcome = "succeeded"
            return output
        except asyncio.CancelledError:
            outcome = "cancelled"
            runtime._cancelled.set()
            if work is not None:
                await asyncio.wait({work}, timeout=CANCEL_GRACE_SECONDS)
            if activity.is_worker_shutdown():
                raise ApplicationError("the worker shut down while the step ran", type="InfrastructureError") from None
            raise
        except ApplicationError:
            raise
        except Exception as error:  # noqa: BLE001 - every failure is named for the workflow
            failure = _failure(error)
            # The attempt's end goes into the step's log with its traceback, which the run's state leaves out.
            trace = "".join(traceback.format_exception(error))[-STACK_CHARS:]
            step_log.keep("error", f"attempt {attempt} failed: {failure.message}", {"type": failure.type, "stack": trace})
            raise failure from error
        finally:
            beats.cancel()
            if flushing is not None:
                flushing.cancel()
            await asyncio.to_thread(step_log.close)
            STEP_DURATION.labels(run["pipeline"], run["step"], definition.name, outcome).observe(time.monotonic() - started)
            log.info("step execution %s", json.dumps({"runId": run["runId"], "pipeline": run["pipeline"], "step": run["step"], "activity": definition.name, "attempt": attempt, "outcome": outcome, "ms": round((time.monotonic() - started) * 1000)}))

    return run_step


def _start(definition: StepDefinition, step_call: StepInput, runtime: StepRuntime, executor: Executor) -> asyncio.Future:
    if inspect.iscoroutinefunction(definition.fn):
        return asyncio.ensure_future(definition.fn(step_call, runtime))
    # A plain function runs in a thread: training code holds the CPU, the event loop keeps heartbeating.
    return asyncio.get_running_loop().run_in_executor(executor, definition.fn, step_call, runtime)


async def _flush_logs(step_log: StepLog) -> None:
    """Sends the step's lines every second while it runs (off the event loop: the store may be slow)."""
    while True:
        await asyncio.sleep(LOG_FLUSH_SECONDS)
        await asyncio.to_thread(step_log.flush)


class StepStalled(Exception):
    """A step that reports its own progress made none within its heartbeat timeout."""


async def _heartbeat(runtime: StepRuntime, definition: StepDefinition, step_name: str, timeout: float | None) -> None:
    """Beats until cancelled; for a 'manual' step, raises StepStalled after silence longer than the timeout."""
    interval = auto_heartbeat_seconds(timeout)
    while True:
        await asyncio.sleep(interval)
        activity.heartbeat(runtime._progress["details"])
        silent = time.monotonic() - runtime._progress["at"]
        if definition.heartbeat == "manual" and timeout and silent > timeout:
            raise StepStalled(f"step '{step_name}' reported no progress for {round(silent)} s (its heartbeat timeout is {round(timeout)} s)")
