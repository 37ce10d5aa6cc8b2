"""The connection to Temporal, configured as the Temporal CLI and Cairn's TypeScript processes are
(lib/temporalConnection.ts): TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS, the CA, client
certificate and key as _PATH or _DATA, TEMPORAL_TLS_SERVER_NAME and TEMPORAL_API_KEY."""

from __future__ import annotations

from typing import Any

from temporalio.service import TLSConfig

from .errors import ConfigError


def _pem(env: dict[str, str], item: str) -> bytes | None:
    inline = env.get(f"TEMPORAL_TLS_{item}_DATA")
    if inline:
        return inline.encode()
    path = env.get(f"TEMPORAL_TLS_{item}_PATH")
    if not path:
        return None
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise ConfigError(f"TEMPORAL_TLS_{item}_PATH={path}: cannot be read ({error.strerror})") from None


def connect_options(env: dict[str, str]) -> dict[str, Any]:
    options: dict[str, Any] = {"target_host": env.get("TEMPORAL_ADDRESS") or "127.0.0.1:7233", "namespace": env.get("TEMPORAL_NAMESPACE") or "default"}
    api_key = env.get("TEMPORAL_API_KEY")
    if api_key:
        options["api_key"] = api_key
    any_cert = any(env.get(f"TEMPORAL_TLS_{item}_{form}") for item in ("SERVER_CA_CERT", "CLIENT_CERT") for form in ("PATH", "DATA"))
    flag = env.get("TEMPORAL_TLS")
    wants_tls = flag == "true" or (flag != "false" and (any_cert or bool(env.get("TEMPORAL_TLS_SERVER_NAME") or api_key)))
    if not wants_tls:
        return options
    ca, cert, key = _pem(env, "SERVER_CA_CERT"), _pem(env, "CLIENT_CERT"), _pem(env, "CLIENT_KEY")
    if bool(cert) != bool(key):
        raise ConfigError("TEMPORAL_TLS_CLIENT_CERT and TEMPORAL_TLS_CLIENT_KEY go together: set both (as _PATH or _DATA) or neither")
    options["tls"] = TLSConfig(server_root_ca_cert=ca, client_cert=cert, client_private_key=key, domain=env.get("TEMPORAL_TLS_SERVER_NAME") or None)
    return options
