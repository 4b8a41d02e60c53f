"""Where the bytes of file fields live, chosen once at startup: a directory (FILE_STORAGE_PATH,
under instance/ by default) or, with FILE_STORAGE_URL=s3://bucket/prefix, an S3-compatible
bucket. Both name a file by its sha256 and offer the same ``put`` and ``open``."""
import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app

from app.errors import fail

log = logging.getLogger(__name__)

EXTENSION_KEY = "tiergate.file_store"


class LocalStore:
    """Files in a directory: writing the same bytes twice keeps one copy, and a file is
    complete before its name appears."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def put(self, data: bytes, key: str) -> None:
        target = self.path(key)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)

    def open(self, key: str) -> BinaryIO:
        with reachable():
            return self.path(key).open("rb")


class S3Store:
    """Files in a bucket, as objects named prefix/sha256. boto3 finds the credentials and
    region in its usual chain (environment, shared files, instance role), and its retry
    settings in AWS_MAX_ATTEMPTS / AWS_RETRY_MODE; ``endpoint_url`` points it at another
    S3 API (MinIO, Ceph, a cloud's S3-compatible service).

    An object is written only when it is missing, and is complete when it appears (S3 writes
    are atomic); botocore adds its default integrity checksum (a provider that refuses it
    takes AWS_REQUEST_CHECKSUM_CALCULATION=when_required)."""

    def __init__(self, url: str, endpoint_url: str | None = None):
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"FILE_STORAGE_URL must be s3://bucket[/prefix], not {url!r}")
        self.bucket, self.prefix = parts.netloc, parts.path.strip("/")
        # Fail fast rather than hold a request (and its row locks) for minutes.
        self.client = boto3.client("s3", endpoint_url=endpoint_url,
                                   config=Config(connect_timeout=5, read_timeout=30))

    def object_key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, data: bytes, key: str) -> None:
        with reachable():
            if self._exists(key):
                return
            self.client.put_object(Bucket=self.bucket, Key=self.object_key(key), Body=data)

    def open(self, key: str) -> BinaryIO:
        """The object's body, read from the network as it is consumed."""
        with reachable():
            return self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))["Body"]

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey"):
                return False
            raise
        return True


@contextmanager
def reachable():
    """A bucket that cannot be reached (or refuses us), or a directory that lost a file or
    cannot be read, is a 503, not a 500."""
    try:
        yield
    except (BotoCoreError, ClientError, OSError) as error:
        log.warning("file store unavailable: %s", error)
        fail(503, "The file store cannot be reached; try again later.", code="file_store_unavailable")


def from_config(config) -> LocalStore | S3Store:
    if config["FILE_STORAGE_URL"]:
        return S3Store(config["FILE_STORAGE_URL"], config["S3_ENDPOINT_URL"])
    return LocalStore(Path(config["FILE_STORAGE_PATH"]))


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = from_config(app.config)


def store() -> LocalStore | S3Store:
    """The app's file store."""
    return current_app.extensions[EXTENSION_KEY]
