"""Cairn steps in Python: declare a step with @step, run it with `python -m cairn_steps.worker`."""

from .artifacts import ArtifactRef, ArtifactStore
from .errors import ConfigError, DataError
from .holdout import holdout
from .step import RunContext, StepCancelled, StepInput, StepRuntime, step

__all__ = ["ArtifactRef", "ArtifactStore", "ConfigError", "DataError", "RunContext", "StepCancelled", "StepInput", "StepRuntime", "holdout", "step"]
