"""JSON exactly as Cairn's TypeScript side writes it (lib/canonicalJson.ts): JavaScript's
JSON.stringify with object keys sorted at every depth. Signatures are HMACs over this text, so a
Python worker must produce the same bytes for the same value."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any


def js_number(value: int | float) -> str:
    """A number as JavaScript prints it (Number.prototype.toString): shortest round-trip digits,
    plain notation for exponents from -7 to 20, 'e+N'/'e-N' beyond."""
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(value, int):
        value = float(value) if abs(value) >= 2**53 else value
        if isinstance(value, int):
            return str(value)
    if not math.isfinite(value):
        return "null"  # JSON.stringify writes NaN and Infinity as null
    if value == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = k + int(exponent)  # the decimal point sits after n digits
    prefix = "-" if sign else ""
    if k <= n <= 21:
        return prefix + digits + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * (-n) + digits
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{prefix}{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def utf16_order(text: str) -> bytes:
    """A sort key that orders strings as JavaScript's default sort does: by UTF-16 code units, not code points."""
    return text.encode("utf-16-be", "surrogatepass")


def js_text(value: Any) -> str:
    """String(value) in JavaScript, for the values DuckDB hands it: numbers as JS prints them, booleans lower-case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if hasattr(value, "item"):  # a numpy scalar
        return js_text(value.item())
    return str(value)


def _is_array_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and (key == "0" or not key.startswith("0")) and int(key) < 2**32 - 1


def _js_key_order(key: str) -> tuple[int, int, bytes]:
    # The TypeScript side sorts keys (UTF-16 code units, as JavaScript's sort compares) and rebuilds
    # the object, and a JavaScript object lists integer-like keys first, in numeric order: so do we.
    if _is_array_index(key):
        return (0, int(key), b"")
    return (1, 0, utf16_order(key))


def canonical_json(value: Any) -> str:
    """The canonical text of a JSON value (dicts, lists, strings, numbers, booleans, None)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: _js_key_order(item[0]))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical_json(v) for k, v in items) + "}"
    raise TypeError(f"{type(value).__name__} is not JSON")
