"""Cairn's content-addressed artifact store (lib/artifacts/artifactStore.ts), the same layout on
disk, so TypeScript and Python steps share one store: an artifact's name is the sha256 of its bytes,
at <root>/sha256/<first two hex digits>/<hash>; writes go to <root>/tmp, are fsynced and renamed
into place; reads check the bytes still hash to the name."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any, Iterable, TypedDict

from .errors import DataError

_URI = re.compile(r"^cas://sha256/([0-9a-f]{64})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024

#: Step outputs larger than this travel as a stored reference (lib/artifacts/outputRef.ts).
OUTPUT_INLINE_LIMIT_BYTES = 32 * 1024
#: The largest output a step may return at all.
MAX_STEP_OUTPUT_BYTES = 64 * 1024 * 1024
OUTPUT_MEDIA_TYPE = "application/vnd.cairn.step-output+json"
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"
#: The Parquet key-value metadata naming the datasets a stored dataset was computed from (read by lib/data/recordHandedDataset.ts).
DERIVED_FROM_KEY = "cairn.derived_from"


class ArtifactRef(TypedDict):
    uri: str
    sha256: str
    size: int
    mediaType: str


def artifact_uri(sha256: str) -> str:
    return f"cas://sha256/{sha256}"


def is_artifact_ref(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("uri"), str) and _URI.match(value["uri"]) is not None and isinstance(value.get("sha256"), str)


class ArtifactStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        """Where an artifact lives; only ever built from a checked hash."""
        if not _SHA256.match(sha256):
            raise DataError(f"'{sha256}' is not a sha256 hash")
        return self.root / "sha256" / sha256[:2] / sha256

    def put(self, data: bytes, media_type: str) -> ArtifactRef:
        sha256 = hashlib.sha256(data).hexdigest()
        ref: ArtifactRef = {"uri": artifact_uri(sha256), "sha256": sha256, "size": len(data), "mediaType": media_type}
        if self._exists(sha256, len(data)):
            return ref
        temp = self._temp_path()
        with open(temp, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        self._move_into_place(temp, sha256)
        return ref

    def put_file(self, source: str | os.PathLike[str], media_type: str) -> ArtifactRef:
        """Copies a file in, hashing as it goes (size is not bound by memory)."""
        temp = self._temp_path()
        digest = hashlib.sha256()
        size = 0
        try:
            with open(source, "rb") as src, open(temp, "xb") as dst:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        sha256 = digest.hexdigest()
        if self._exists(sha256, size):
            temp.unlink(missing_ok=True)
        else:
            self._move_into_place(temp, sha256)
        return {"uri": artifact_uri(sha256), "sha256": sha256, "size": size, "mediaType": media_type}

    def read(self, ref_or_uri: ArtifactRef | dict[str, Any] | str) -> bytes:
        """The artifact's bytes, after checking they still hash to its name (a tampered file is a DataError)."""
        sha256 = self._sha_of(ref_or_uri)
        try:
            data = self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            raise DataError(f"artifact {artifact_uri(sha256)} is not in the store at {self.root}") from None
        self._check(sha256, hashlib.sha256(data).hexdigest())
        return data

    def verified_path(self, ref_or_uri: ArtifactRef | dict[str, Any] | str) -> Path:
        """A verified path to the artifact, for readers that open files themselves (pyarrow, pandas)."""
        sha256 = self._sha_of(ref_or_uri)
        path = self.path_of(sha256)
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as file:
                while chunk := file.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            raise DataError(f"artifact {artifact_uri(sha256)} is not in the store at {self.root}") from None
        self._check(sha256, digest.hexdigest())
        return path

    def read_json(self, ref_or_uri: ArtifactRef | dict[str, Any] | str) -> Any:
        return json.loads(self.read(ref_or_uri))

    def put_json(self, value: Any, media_type: str = "application/json") -> ArtifactRef:
        return self.put(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(), media_type)

    def read_dataset(self, ref: ArtifactRef | dict[str, Any]):  # -> pandas.DataFrame
        """A Parquet dataset artifact (what ingest writes) as a pandas DataFrame, rows in stored order."""
        import pandas as pd

        return pd.read_parquet(self.verified_path(ref))

    def put_dataset(self, frame, derived_from: Iterable[ArtifactRef | dict[str, Any] | str] = ()) -> ArtifactRef:
        """A pandas DataFrame stored as a Parquet dataset, the form ingest gives: return it as
        {"dataset": ref} and validate and train read it (the first one to do so records its profile,
        so it has a data card). A named index becomes columns (a groupby's keys); an unnamed one, such
        as the row numbers left after filtering, is dropped, as ingest's datasets have none.
        `derived_from` names the datasets it was computed from (their refs, or the outputs of the
        steps that made them, such as ingest's); they go into the file's own metadata, and its data
        card says "Derived from" them, as for TypeScript's runtime.writeDataset."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"put_dataset takes a pandas DataFrame, not {type(frame).__name__}")
        if len(frame.index) == 0:
            raise DataError("put_dataset: the frame has no rows (a dataset needs at least one)")
        if isinstance(derived_from, (str, dict)):
            derived_from = [derived_from]
        sources = sorted({self._dataset_sha(source) for source in derived_from})
        if any(name is not None for name in frame.index.names):
            frame = frame.reset_index()
        unnamed = [str(column) for column in frame.columns if not isinstance(column, str)]
        if unnamed:
            raise DataError(f"put_dataset: column names must be text; these are not: {', '.join(unnamed)}")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if sources:
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), DERIVED_FROM_KEY.encode(): json.dumps(sources).encode()})
        temp = self._temp_path()
        try:
            pq.write_table(table, temp, compression="zstd")
            return self.put_file(temp, PARQUET_MEDIA_TYPE)
        finally:
            temp.unlink(missing_ok=True)

    def _dataset_sha(self, source: ArtifactRef | dict[str, Any] | str) -> str:
        """The sha256 of a dataset named by its ref, its URI, or the output of the step that made it ({"dataset": ref, ...})."""
        if isinstance(source, dict) and "uri" not in source and is_artifact_ref(source.get("dataset")):
            source = source["dataset"]
        if isinstance(source, (str, dict)):
            try:
                return self._sha_of(source)
            except DataError:
                pass
        raise DataError(f"put_dataset: derived_from takes dataset refs or the outputs of the steps that made them, not {str(source)[:120]}")

    def _check(self, sha256: str, actual: str) -> None:
        if actual != sha256:
            raise DataError(f"artifact {artifact_uri(sha256)} is corrupt: its bytes hash to {actual}")

    def _sha_of(self, ref_or_uri: ArtifactRef | dict[str, Any] | str) -> str:
        uri = ref_or_uri if isinstance(ref_or_uri, str) else ref_or_uri.get("uri", "")
        match = _URI.match(uri) if isinstance(uri, str) else None
        if not match:
            raise DataError(f"'{uri}' is not an artifact reference (cas://sha256/<hex>)")
        return match.group(1)

    def _exists(self, sha256: str, size: int) -> bool:
        path = self.path_of(sha256)
        return path.is_file() and path.stat().st_size == size

    def _temp_path(self) -> Path:
        directory = self.root / "tmp"
        directory.mkdir(parents=True, exist_ok=True)
        return directory / f"{os.getpid()}-{secrets.token_hex(8)}"

    def _move_into_place(self, temp: Path, sha256: str) -> None:
        target = self.path_of(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        # rename is atomic: readers see the whole file or none.
        os.replace(temp, target)


def is_output_ref(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"$cairnOutput", "size"} and isinstance(value["$cairnOutput"], str)


def resolve_output(value: Any, store: ArtifactStore) -> Any:
    """An upstream output that travelled by reference, read back (hash-verified); anything else as is."""
    return json.loads(store.read(value["$cairnOutput"])) if is_output_ref(value) else value


def offload_large_output(output: Any, text: str, store: ArtifactStore) -> Any:
    """The output as it should travel: itself when small, else stored and referenced."""
    data = text.encode()
    if len(data) <= OUTPUT_INLINE_LIMIT_BYTES:
        return output
    ref = store.put(data, OUTPUT_MEDIA_TYPE)
    return {"$cairnOutput": ref["uri"], "size": ref["size"]}
