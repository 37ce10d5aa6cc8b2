"""The deploy test's Python step, run by the python-worker image on the `python` queue."""

from __future__ import annotations

import socket

from cairn_steps import DataError, StepInput, StepRuntime, step


@step("hottest-sensor")
def hottest_sensor(input: StepInput, runtime: StepRuntime) -> dict:
    """Reads the ingested readings with pandas and names the sensor with the highest temperature."""
    loaded = input.upstream.get("load")
    if not isinstance(loaded, dict) or "dataset" not in loaded:
        raise DataError("step 'hottest' reads the 'load' step's dataset")
    frame = runtime.artifacts.read_dataset(loaded["dataset"])
    hottest = frame.loc[frame["temperature"].idxmax()]
    return {"sensor": str(hottest["sensor"]), "temperature": float(hottest["temperature"]), "rows": len(frame), "host": socket.gethostname()}
