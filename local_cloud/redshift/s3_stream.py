"""The local S3 end of the local Redshift's COPY and UNLOAD: streams for ``COPY ... FROM/TO PROGRAM``.

PostgreSQL's own COPY does the loading and the writing; this module only moves bytes between the
local S3 (boto3, dummy keys from ``local_cloud.config``) and PostgreSQL, in chunks: an object is
never held whole in memory. ``StreamService`` (started with the local Redshift) serves, through
named pipes, what the program of copy_unload.sql asks for:

* ``list``   the objects a COPY reads (every key under the prefix, or a manifest's entries),
             one ``ok<TAB>bucket<TAB>key`` line each, or one ``error<TAB>message`` line;
* ``source`` those objects' bytes, concatenated: GZIP undone, IGNOREHEADER lines skipped in each
             file, a missing final newline added, invalid UTF-8 replaced (ACCEPTINVCHARS);
* ``rows``   the same objects parsed row by row into PostgreSQL text format, with the file, line
             number and raw line of each row, for the careful path that records load errors
             (STL_LOAD_ERRORS) and skips bad rows within MAXERROR;
* ``check``  before an UNLOAD: ``error<TAB>message`` if the destination is not empty;
* ``sink``   the UNLOAD's rows uploaded to its object (multipart, streamed), then its manifest.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from .. import config

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# The folder of named pipes, in the data directory (the programs PostgreSQL runs start there).
STREAM_DIRECTORY = "rs_s3_stream"
MAX_RAW = 1024


def s3_client(spec: dict[str, Any]):
    from botocore.config import Config

    retries = Config(retries={"max_attempts": 3, "mode": "standard"})
    return config.aws_client("s3", spec["endpoint"], spec.get("region") or "us-east-1", botocore_config=retries)


def split_s3_url(url: str) -> tuple[str, str]:
    if not url.startswith("s3://") or "/" not in url[5:] and not url[5:]:
        raise ValueError(f"'{url}' is not an S3 URL (s3://bucket/prefix)")
    bucket, _, key = url[5:].partition("/")
    if not bucket:
        raise ValueError(f"'{url}' is not an S3 URL (s3://bucket/prefix)")
    return bucket, key


class LoadSourceError(Exception):
    """What Redshift would say about the COPY's source (no such prefix, bad manifest...)."""


def list_objects(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(bucket, key) of every object the COPY reads, in the order Redshift would name them."""
    from botocore.exceptions import ClientError

    client = s3_client(spec)
    bucket, key = split_s3_url(spec["url"])
    try:
        if spec.get("manifest"):
            body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            try:
                entries = json.loads(body)["entries"]
            except (ValueError, KeyError, TypeError):
                raise LoadSourceError(f"Manifest file is not in correct json format: '{spec['url']}'") from None
            found = []
            for entry in entries:
                entry_bucket, entry_key = split_s3_url(entry["url"])
                try:
                    client.head_object(Bucket=entry_bucket, Key=entry_key)
                except ClientError:
                    if entry.get("mandatory", False):
                        raise LoadSourceError(
                            f"Manifest file entry is mandatory but missing: '{entry['url']}'"
                        ) from None
                    continue
                found.append((entry_bucket, entry_key))
            return found
        found = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key):
            for item in page.get("Contents", []):
                if not item["Key"].endswith("/"):
                    found.append((bucket, item["Key"]))
        if not found:
            raise LoadSourceError(f"The specified S3 prefix '{key}' does not exist")
        return found
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchBucket", "404") and not spec.get("manifest"):
            raise LoadSourceError(f"S3ServiceException:The specified bucket does not exist ({bucket})") from None
        raise LoadSourceError(f"S3ServiceException:{error}") from None


class _BodyReader(io.RawIOBase):
    """A botocore streaming body as a raw stream, so gzip and TextIOWrapper can read it in chunks."""

    def __init__(self, body) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_object(client, bucket: str, key: str, spec: dict[str, Any]) -> BinaryIO:
    body = client.get_object(Bucket=bucket, Key=key)["Body"]
    stream: BinaryIO = io.BufferedReader(_BodyReader(body), CHUNK)
    if spec.get("gzip"):
        stream = gzip.GzipFile(fileobj=stream)  # type: ignore[assignment]
    return stream


def _lines_skipped(stream: BinaryIO, count: int) -> None:
    for _ in range(count):
        if not stream.readline():
            return


def source(spec: dict[str, Any], out: BinaryIO) -> None:
    """Every object's bytes to ``out``: the fast path, PostgreSQL parses them itself."""
    client = s3_client(spec)
    for bucket, key in spec["objects"]:
        stream = open_object(client, bucket, key, spec)
        _lines_skipped(stream, int(spec.get("ignoreheader") or 0))
        decoder = codecs.getincrementaldecoder("utf-8")("replace") if spec.get("acceptinvchars") else None
        last = b"\n"
        while chunk := stream.read(CHUNK):
            if decoder is not None:
                text = decoder.decode(chunk).replace("\ufffd", spec.get("acceptinvchars") or "?")
                chunk = text.encode()
            if chunk:
                out.write(chunk)
                last = chunk[-1:]
        if last != b"\n":
            out.write(b"\n")


def _pg_text(value: str | None) -> str:
    if value is None:
        return "\\N"
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _LineRecorder:
    """Lines of a text stream, remembering the ones the csv reader consumed for the current row."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._stream.readline()
        if not line:
            raise StopIteration
        self.taken.append(line)
        return line


def parsed_rows(spec: dict[str, Any], stream: BinaryIO) -> Iterator[tuple[int, str, list[str] | None, str | None]]:
    """(line number, raw line, fields or None, error) for each row of one object."""
    errors = "replace" if spec.get("acceptinvchars") else "strict"
    text = io.TextIOWrapper(stream, encoding="utf-8", errors=errors, newline="")
    skip = int(spec.get("ignoreheader") or 0)
    line_number = 0
    for _ in range(skip):
        if text.readline():
            line_number += 1
    recorder = _LineRecorder(text)
    delimiter = spec.get("delimiter") or ("," if spec.get("csv") else "|")
    if spec.get("csv"):
        reader: Iterator[list[str]] = csv.reader(recorder, delimiter=delimiter, quotechar=spec.get("quote") or '"')
    else:
        reader = (line.rstrip("\r\n").split(delimiter) for line in recorder)
    while True:
        recorder.taken = []
        try:
            fields: list[str] | None = next(reader)
            error = None
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as problem:
            fields, error = None, f"1200\tUnknown parse error: {problem}"
        first_line = line_number + 1
        line_number += len(recorder.taken) or 1
        raw = "".join(recorder.taken).rstrip("\r\n")
        if spec.get("acceptinvchars"):
            raw = raw.replace("\ufffd", spec.get("acceptinvchars") or "?")
            if fields is not None:
                fields = [field.replace("\ufffd", spec.get("acceptinvchars") or "?") for field in fields]
        if fields == [] and not raw:
            continue  # a blank line
        yield first_line, raw, fields, error


def rows(spec: dict[str, Any], out: io.TextIOBase) -> None:
    """Each row as a staging row in PostgreSQL text format:
    filename, line_number, raw_line, err_code, err_reason, then one text field per column."""
    client = s3_client(spec)
    chars = spec["char_columns"]
    count = len(chars)
    null_as = spec.get("null_as")
    for bucket, key in spec["objects"]:
        filename = f"s3://{bucket}/{key}"
        stream = open_object(client, bucket, key, spec)
        for line_number, raw, fields, error in parsed_rows(spec, stream):
            values: list[str | None] = [None] * count
            code, reason = error.split("\t", 1) if error else (None, None)
            if fields is not None and code is None:
                if len(fields) < count:
                    code, reason = "1214", "Delimiter not found"
                elif len(fields) > count:
                    code, reason = "1216", "Extra column(s) found"
                else:
                    for index, (field, is_char) in enumerate(zip(fields, chars)):
                        if null_as is not None and field == null_as:
                            continue
                        if field == "" and (not is_char or spec.get("emptyasnull")):
                            continue
                        if spec.get("blanksasnull") and field.strip() == "":
                            continue
                        values[index] = field
            out.write(
                "\t".join(
                    [_pg_text(filename), str(line_number), _pg_text(raw[:MAX_RAW]), _pg_text(code), _pg_text(reason)]
                    + [_pg_text(value) for value in values]
                )
                + "\n"
            )


class _CompressingReader(io.RawIOBase):
    """stdin gzip-compressed on the fly, read in chunks by boto3's multipart upload."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._buffer = io.BytesIO()
        self._gzip = gzip.GzipFile(fileobj=self._buffer, mode="wb")
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self._pending) < len(buffer) and not self._done:
            chunk = self._raw.read(CHUNK)
            if chunk:
                self._gzip.write(chunk)
            else:
                self._gzip.close()
                self._done = True
            self._pending += self._buffer.getvalue()
            self._buffer.seek(0)
            self._buffer.truncate()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class _CountingReader(io.RawIOBase):
    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def unload_key(spec: dict[str, Any]) -> tuple[str, str]:
    bucket, prefix = split_s3_url(spec["url"])
    key = prefix + ("000" if spec.get("parallel") is False else "0000_part_00")
    if spec.get("gzip"):
        key += ".gz"
    return bucket, key


def check(spec: dict[str, Any]) -> str | None:
    """Why the UNLOAD may not write (a destination that is not empty, without ALLOWOVERWRITE)."""
    from botocore.exceptions import ClientError

    client = s3_client(spec)
    bucket, prefix = split_s3_url(spec["url"])
    try:
        listing = client.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
    except ClientError as error:
        return f"S3ServiceException:{error}"
    if listing.get("KeyCount", 0) and not spec.get("allowoverwrite"):
        return (
            "Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, "
            "manually removing the target files in S3, or using the ALLOWOVERWRITE option."
        )
    return None


def sink(spec: dict[str, Any], stdin: BinaryIO) -> None:
    from boto3.s3.transfer import TransferConfig

    client = s3_client(spec)
    bucket, key = unload_key(spec)
    counter = _CountingReader(stdin)
    body: BinaryIO = io.BufferedReader(counter, CHUNK)
    if spec.get("gzip"):
        body = io.BufferedReader(_CompressingReader(body), CHUNK)
    client.upload_fileobj(body, bucket, key, Config=TransferConfig(multipart_chunksize=8 * 1024 * 1024))
    if spec.get("manifest"):
        size = client.head_object(Bucket=bucket, Key=key)["ContentLength"]
        manifest = {"entries": [{"url": f"s3://{bucket}/{key}", "meta": {"content_length": size}}]}
        client.put_object(Bucket=bucket, Key=split_s3_url(spec["url"])[1] + "manifest", Body=json.dumps(manifest))


VERBS = ("list", "source", "rows", "check", "sink")
_NAME = re.compile(r"^r\.[0-9]+$")


def serve_request(verb: str, spec: dict[str, Any], pipe: BinaryIO) -> None:
    """One stream: ``pipe`` is the named pipe's other end (written to, or read from for ``sink``)."""
    if verb == "list":
        try:
            for bucket, key in list_objects(spec):
                pipe.write(f"ok\t{_pg_text(bucket)}\t{_pg_text(key)}\n".encode())
        except (LoadSourceError, ValueError) as error:
            pipe.write(f"error\t{_pg_text(str(error))}\t\\N\n".encode())
    elif verb == "source":
        source(spec, pipe)
    elif verb == "rows":
        text = io.TextIOWrapper(pipe, encoding="utf-8", newline="\n", write_through=False)
        rows(spec, text)
        text.flush()
        text.detach()
    elif verb == "check":
        problem = check(spec)
        if problem:
            pipe.write(f"error\t{_pg_text(problem)}\n".encode())
    elif verb == "sink":
        sink(spec, pipe)


class StreamService:
    """Serves the streams COPY and UNLOAD ask for through named pipes in ``directory``.

    PostgreSQL's program (copy_unload.sql: ``_rs_s3_command``) makes a pipe ``r.<pid>`` and
    ``r.<pid>.done``, writes the spec to ``r.<pid>.spec`` and a line ``r.<pid> <verb>`` to the
    ``requests`` pipe. A thread here then streams between the local S3 and ``r.<pid>``, and writes
    "ok" (or what went wrong) to ``r.<pid>.done``. This runs in the process that started the local
    Redshift, so PostgreSQL's service user needs no Python; ``owner`` (uid, gid) is that user's.
    """

    def __init__(self, directory: Path, owner: tuple[int, int] | None = None) -> None:
        self.directory = Path(directory)
        self.owner = owner
        self._fd: int | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> StreamService:
        self.directory.mkdir(mode=0o700, exist_ok=True)
        requests = self.directory / "requests"
        requests.unlink(missing_ok=True)
        os.mkfifo(requests, 0o600)
        if self.owner is not None:
            os.chown(self.directory, *self.owner)
            os.chown(requests, *self.owner)
        # Read and write: the pipe never reports end-of-file between two programs' requests.
        self._fd = os.open(requests, os.O_RDWR)
        self._thread = threading.Thread(target=self._serve, name="local-redshift-s3-stream", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._fd is None:
            return
        self._stopping.set()
        os.write(self._fd, b"stop\n")
        if self._thread is not None:
            self._thread.join(5)
        os.close(self._fd)
        self._fd = None

    def _serve(self) -> None:
        with os.fdopen(os.dup(self._fd), "rb", buffering=0) as requests:
            pending = b""
            while not self._stopping.is_set():
                chunk = requests.read(4096)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    parts = line.decode("ascii", "replace").split()
                    if len(parts) == 2 and _NAME.match(parts[0]) and parts[1] in VERBS:
                        threading.Thread(target=self._handle, args=parts, daemon=True).start()
                    elif parts != ["stop"]:
                        log.warning("S3 stream service: ignored a malformed request")

    def _handle(self, name: str, verb: str) -> None:
        pipe_path = self.directory / name
        status = "ok"
        try:
            spec = json.loads(bytes.fromhex((self.directory / f"{name}.spec").read_text()))
            with open(pipe_path, "rb" if verb == "sink" else "wb", buffering=0) as raw:
                pipe: BinaryIO = io.BufferedReader(raw, CHUNK) if verb == "sink" else io.BufferedWriter(raw, CHUNK)
                serve_request(verb, spec, pipe)
                if verb != "sink":
                    pipe.flush()
        except BrokenPipeError:
            status = "the reader went away (the COPY stopped)"
        except Exception as error:  # noqa: BLE001 – reported to PostgreSQL, which fails the statement
            status = f"S3 stream failed: {type(error).__name__}: {error}".replace("\n", " ")
            log.warning("S3 stream %s failed: %s", verb, status)
        finally:
            self._report(name, status)

    def _report(self, name: str, status: str, timeout: float = 300.0) -> None:
        """Write the status to the program's ``.done`` pipe, once it reads (it may be gone)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                fd = os.open(self.directory / f"{name}.done", os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:  # ENXIO: no reader yet; ENOENT: the program is gone
                if time.monotonic() > deadline or not (self.directory / f"{name}.done").exists():
                    log.warning("S3 stream: nobody read the status of %s", name)
                    return
                time.sleep(0.02)
        try:
            os.set_blocking(fd, True)
            os.write(fd, status.encode())
        except OSError as error:
            log.warning("S3 stream: could not report the status: %s", error)
        finally:
            os.close(fd)
