"""A step's logger in Python, with the promises of lib/logs/stepLogger.ts: every line goes to the
worker's log at once, and, when the worker has a database (DATABASE_URL), is kept with the run in
step_logs, sent in batches (every second, at 200 lines, and when the step ends). A database that does
not answer never fails the step: lines are held (up to 5,000, then the oldest are dropped and
counted), and at the step's end three tries 200 ms apart, then what is unsent is reported in the
worker's log. At most CAIRN_STEP_LOG_MAX_LINES lines are kept per step, the oldest trimmed and
counted, by the same SQL as lib/store/stepLogsTable.ts."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Optional

BATCH_LINES = 200
MAX_HELD_LINES = 5_000
CLOSE_ATTEMPTS = 3
CLOSE_RETRY_SECONDS = 0.2
#: lib/logs/stepLogLine.ts MAX_LOG_MESSAGE_CHARS and MAX_LOG_FIELDS_CHARS
MAX_MESSAGE_CHARS = 8_192
MAX_FIELDS_CHARS = 8_192

worker_log = logging.getLogger("cairn_steps.steps")

Sink = Callable[[str, str, list[dict[str, Any]]], None]


class StepLog:
    """What a step logs through: `runtime.log.info("read %d rows" % n, rows=n)`."""

    def __init__(self, run_id: str, step: str, attempt: int, sink: Optional[Sink] = None) -> None:
        self._run_id, self._step, self._attempt, self._sink = run_id, step, attempt, sink
        self._held: list[dict[str, Any]] = []
        self._dropped = 0
        self._lock = threading.Lock()
        self._sending = threading.Lock()

    def debug(self, message: str, **fields: Any) -> None:
        self._line("debug", message, fields)

    def info(self, message: str, **fields: Any) -> None:
        self._line("info", message, fields)

    def warn(self, message: str, **fields: Any) -> None:
        self._line("warn", message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._line("error", message, fields)

    def keep(self, level: str, message: str, fields: Optional[dict[str, Any]] = None) -> None:
        """A line kept with the run only (the worker logs a failed attempt in its own words already)."""
        self._line(level, message, fields or {}, echo=False)

    def _line(self, level: str, message: str, fields: dict[str, Any], echo: bool = True) -> None:
        python_level = logging.WARNING if level == "warn" else getattr(logging, level.upper())
        if echo and worker_log.isEnabledFor(python_level):
            worker_log.log(python_level, "%s %s", message, json.dumps({"runId": self._run_id, "step": self._step, "attempt": self._attempt, **fields}, default=str))
        if self._sink is None:
            return
        text = json.dumps(fields, default=str) if fields else None
        line = {
            "attempt": self._attempt,
            "at": datetime.now(timezone.utc).isoformat(),
            "level": level,
            "message": str(message)[:MAX_MESSAGE_CHARS],
            "fields": (json.loads(text) if len(text) <= MAX_FIELDS_CHARS else {"truncated": f"{len(text)} characters of fields, over the {MAX_FIELDS_CHARS} kept"}) if text else None,
        }
        with self._lock:
            self._held.append(line)
            if len(self._held) > MAX_HELD_LINES:
                excess = len(self._held) - MAX_HELD_LINES
                del self._held[:excess]
                self._dropped += excess
            full = len(self._held) >= BATCH_LINES
        if full:
            self.flush()

    def flush(self) -> bool:
        """Sends what is held; on failure keeps it for the next try. True when nothing is left unsent."""
        if self._sink is None:
            return True
        with self._sending:
            with self._lock:
                batch, self._held = self._held, []
                dropped, self._dropped = self._dropped, 0
            if dropped:
                batch.insert(0, {"attempt": self._attempt, "at": datetime.now(timezone.utc).isoformat(), "level": "warn", "message": f"{dropped} lines were dropped while the metadata store did not answer", "fields": None})
            if not batch:
                return True
            try:
                self._sink(self._run_id, self._step, batch)
                return True
            except Exception as error:  # noqa: BLE001 - a store that is down must never fail the step
                with self._lock:
                    self._held = batch + self._held
                worker_log.debug("step log lines held: %s", error)
                return False

    def close(self) -> None:
        """At the step's end: a few tries to send what is held, then what is unsent is reported here."""
        for attempt in range(CLOSE_ATTEMPTS):
            if self.flush():
                return
            if attempt < CLOSE_ATTEMPTS - 1:
                time.sleep(CLOSE_RETRY_SECONDS)
        with self._lock:
            unsent = len(self._held)
        worker_log.warning("%d step log lines of %s/%s were not kept with the run (the metadata store did not answer); they are in this log", unsent, self._run_id, self._step)


class PostgresStepLogs:
    """step_logs in PostgreSQL, through one connection per worker (psycopg), reconnected after a failure."""

    def __init__(self, database_url: str, max_lines: int) -> None:
        import psycopg  # imported here: a worker without DATABASE_URL does not need it

        self._psycopg = psycopg
        self._url = database_url
        self._max_lines = max_lines
        self._connection = None
        self._lock = threading.Lock()

    def __call__(self, run_id: str, step: str, lines: list[dict[str, Any]]) -> None:
        with self._lock:
            try:
                if self._connection is None or self._connection.closed:
                    self._connection = self._psycopg.connect(self._url, connect_timeout=5, autocommit=False)
                with self._connection.transaction():
                    cursor = self._connection.cursor()
                    cursor.execute(
                        """INSERT INTO step_logs (run_id, step, attempt, at, level, message, fields)
                           SELECT %s, %s, l.attempt, l.at, l.level, l.message, l.fields
                             FROM jsonb_to_recordset(%s::jsonb) AS l(attempt integer, at timestamptz, level text, message text, fields jsonb)""",
                        (run_id, step, json.dumps(lines)),
                    )
                    cursor.execute("SELECT count(*) FROM step_logs WHERE run_id = %s AND step = %s", (run_id, step))
                    excess = int(cursor.fetchone()[0]) - self._max_lines
                    if excess > 0:
                        cursor.execute("DELETE FROM step_logs WHERE id IN (SELECT id FROM step_logs WHERE run_id = %s AND step = %s ORDER BY id LIMIT %s)", (run_id, step, excess))
                        cursor.execute(
                            """INSERT INTO step_log_trims (run_id, step, trimmed) VALUES (%s, %s, %s)
                               ON CONFLICT (run_id, step) DO UPDATE SET trimmed = step_log_trims.trimmed + EXCLUDED.trimmed""",
                            (run_id, step, excess),
                        )
            except Exception:
                if self._connection is not None:
                    self._connection.close()
                    self._connection = None
                raise
