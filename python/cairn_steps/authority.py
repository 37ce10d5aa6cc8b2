"""The check a Cairn worker makes before it runs a step (lib/auth/runAuthority.ts verifyStep): with
CAIRN_SPEC_SECRET set, a step runs only when the API's signature over its spec and starter matches."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from .canonical import canonical_json
from .errors import NotPermitted

UNKNOWN_STARTER = {"principal": "unknown", "role": "operator"}


def sign_step(secret: str, step: dict[str, Any]) -> str:
    message = "cairn-step-v1\n" + canonical_json(step)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify_step(secret: str | None, activity: str, step_input: dict[str, Any]) -> None:
    """Raises NotPermitted when a secret is set and the step's signature is missing or does not match."""
    if not secret:
        return
    run = step_input["run"]
    signature = run.get("signature")
    if not signature:
        raise NotPermitted(f"step '{run['step']}' carries no signature: this worker runs only runs the Cairn API started (CAIRN_SPEC_SECRET is set)")
    expected = sign_step(
        secret,
        {
            "pipeline": run["pipeline"],
            "step": run["step"],
            "activity": activity,
            "config": step_input["config"],
            "startedBy": run.get("startedBy") or UNKNOWN_STARTER,
        },
    )
    if not hmac.compare_digest(expected, signature):
        raise NotPermitted(
            f"step '{run['step']}': its spec, config or starter does not match the API's signature, so it was not issued by the Cairn API "
            "(or CAIRN_SPEC_SECRET differs between the API and this worker)"
        )
