"""Declaring a step in Python: the same contract as a TypeScript step (lib/dsl/defineStep.ts). A
step receives `StepInput` (the run, its config parsed by a pydantic model, the upstream outputs) and
a `StepRuntime` (the artifact store, heartbeat, cancellation, attempt), and returns JSON-able output."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Literal, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from .artifacts import ArtifactStore
from .step_log import StepLog

_ACTIVITY_NAME = re.compile(r"^[a-z][a-zA-Z0-9-]{0,62}$")  # lib/ids.ts ID_PATTERNS.activity

ConfigT = TypeVar("ConfigT", bound=BaseModel)


class Starter(BaseModel):
    principal: str
    role: str


class RunContext(BaseModel):
    """What the run tells each step about itself (lib/dsl/stepIo.ts RunContext), in Python's spelling."""

    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=True)

    run_id: str = Field(alias="runId")
    temporal_run_id: str = Field(alias="temporalRunId")
    pipeline: str
    spec_hash: str = Field(alias="specHash")
    trigger: str
    params: dict[str, Any]
    logical_date: str = Field(alias="logicalDate")
    step: str
    attempt: Optional[int] = None
    started_by: Optional[Starter] = Field(default=None, alias="startedBy")


@dataclass(frozen=True)
class StepInput(Generic[ConfigT]):
    run: RunContext
    config: ConfigT
    #: Outputs of the upstream steps by step name (already resolved when they travelled by reference); None for a skipped step.
    upstream: dict[str, Any]


@dataclass
class StepRuntime:
    """What a running step can do besides computing."""

    artifacts: ArtifactStore
    #: This execution's attempt at the step, from 1 (a lost worker does not count).
    attempt: int
    #: The step's logger: lines kept with the run (`cairn logs`, the run page) and in the worker's log.
    log: StepLog = field(default_factory=lambda: StepLog("", "", 1))
    _cancelled: threading.Event = field(default_factory=threading.Event)
    _progress: dict[str, Any] = field(default_factory=lambda: {"at": time.monotonic(), "details": None})

    def heartbeat(self, details: Any = None) -> None:
        """Records progress (shown in the Temporal Web UI's pending activity); a 'manual' step must call it."""
        self._progress["at"] = time.monotonic()
        self._progress["details"] = details

    def is_cancelled(self) -> bool:
        """True once the run is cancelled or the attempt timed out: stop soon (within 5 s) or be abandoned."""
        return self._cancelled.is_set()

    def raise_if_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise StepCancelled("the step was cancelled")


class StepCancelled(Exception):
    """Raised by raise_if_cancelled() in a step's own code once the step is cancelled."""


@dataclass(frozen=True)
class StepDefinition:
    name: str
    fn: Callable[..., Any]
    config: type[BaseModel] | None
    output: type[BaseModel] | None
    heartbeat: Literal["auto", "manual"]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)


def step(
    name: str,
    *,
    config: type[BaseModel] | None = None,
    output: type[BaseModel] | None = None,
    heartbeat: Literal["auto", "manual"] = "auto",
) -> Callable[[Callable[..., Any]], StepDefinition]:
    """Declares a step: `@step("fit-penguins", config=FitConfig)` over `def fit(input, runtime)`.

    The function may be plain (it runs in a thread, so scikit-learn and friends keep the worker
    responsive) or async. `name` is the activity name the pipeline's `pythonStep` declares.
    `heartbeat="manual"`: the step calls runtime.heartbeat() as it goes, and silence longer than the
    step's heartbeat timeout fails it as stalled; "auto" (default): the worker heartbeats for it.
    """
    if not _ACTIVITY_NAME.match(name):
        raise ValueError(f"'{name}' is not a valid step name (a lower-case letter, then letters, digits, dashes)")

    def register(fn: Callable[..., Any]) -> StepDefinition:
        return StepDefinition(name=name, fn=fn, config=config, output=output, heartbeat=heartbeat)

    return register
