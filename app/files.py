"""File fields: base64 JSON in, files kept apart from the rows (content-addressed, with
size and sha256), descriptors out.

A field takes {"action": "add", "filename", "mimetype", "binary"} or {"action": "remove"}
(004 seed). ``binary`` is decoded strictly, its size limited per field (FILE_MAX_BYTES),
and its leading bytes must agree with the declared type for images and PDF."""
import base64
import binascii
import hashlib
from dataclasses import dataclass

import marshmallow as ma
from flask import current_app

from app.errors import fail
from app.extensions import db
from app.file_store import store
from app.models import StoredFile

MIMETYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
             "application/octet-stream")
# The types recognised by their first bytes: a file of one of them must be declared as it.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
CHECKED_TYPES = {mimetype for _, mimetype in MAGIC} | {"image/webp"}
ADD_KEYS = {"action", "filename", "mimetype", "binary"}


def sniff(data: bytes) -> str | None:
    """The type the bytes announce, for the types checked by their magic numbers."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((mimetype for magic, mimetype in MAGIC if data.startswith(magic)), None)


@dataclass(frozen=True)
class Upload:
    filename: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class Remove:
    file_id: int | None = None  # in a list field: the one file to remove; None: all


@dataclass(frozen=True)
class Keep:
    """A file sent back as it was read: no change."""

    file_id: int


FILE_DOC = {
    "type": "object", "nullable": True,
    "description": 'Write {"action": "add", "filename", "mimetype", "binary"} (binary: the '
                   'file in base64, at most FILE_MAX_BYTES decoded, default 10 MB; PNG, JPEG, '
                   'GIF, WebP and PDF must be what they are declared as) or {"action": '
                   '"remove"}; read: the file\'s id, filename, mimetype and size, and `binary` '
                   'with include_binary_data=1 on a single object',
    "properties": {
        "action": {"type": "string", "enum": ["add", "remove"], "writeOnly": True},
        "id": {"type": "integer", "description": "The file (a file sent back as read is kept)"},
        "filename": {"type": "string", "maxLength": 255, "example": "meter.png"},
        "mimetype": {"type": "string", "enum": list(MIMETYPES)},
        "binary": {"type": "string", "format": "byte"},
        "size": {"type": "integer", "readOnly": True},
    },
}


class FileField(ma.fields.Field):
    """One file: loads to Upload, Remove or Keep; dumps a StoredFile as its descriptor (with
    ``binary`` when the view attached the bytes, see ``with_binary``)."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, metadata={**FILE_DOC, **kwargs.pop("metadata", {})},
                         **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        described = {"id": value.id, "filename": value.filename, "mimetype": value.mimetype,
                     "size": value.size}
        if getattr(value, "binary", None) is not None:
            described["binary"] = value.binary
        return described

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ma.ValidationError("Send a file object with an action.")
        action = value.get("action")
        if action is None and isinstance(value.get("id"), int):
            return Keep(value["id"])
        if action == "remove":
            if set(value) - {"action", "id"}:
                raise ma.ValidationError("A removal takes only action and id.")
            return Remove(value.get("id"))
        if action != "add":
            raise ma.ValidationError({"action": ["Must be one of: add, remove."]})
        return _upload(value)


def _upload(value: dict) -> Upload:
    errors = {key: ["Unknown field."] for key in set(value) - ADD_KEYS}
    errors |= {key: ["Missing data for required field."] for key in ADD_KEYS - set(value)}
    if errors:
        raise ma.ValidationError(errors)
    filename, mimetype, binary = value["filename"], value["mimetype"], value["binary"]
    if (not isinstance(filename, str) or not 1 <= len(filename) <= 255 or not filename.isprintable()
            or "/" in filename or "\\" in filename):
        raise ma.ValidationError({"filename": [
            "A file name of 1 to 255 printable characters, without slashes."]})
    if mimetype not in MIMETYPES:
        raise ma.ValidationError({"mimetype": [f"Must be one of: {', '.join(MIMETYPES)}."]})
    data = _decoded(binary)
    limit = current_app.config["FILE_MAX_BYTES"]
    if len(data) > limit:
        raise ma.ValidationError({"binary": [f"The file is larger than {limit} bytes."]})
    found = sniff(data)
    if found != mimetype and (found or mimetype in CHECKED_TYPES):
        raise ma.ValidationError({"mimetype": [
            f"The file's content is {found or 'not ' + mimetype}, not what is declared."]})
    return Upload(filename, mimetype, data)


def _decoded(binary) -> bytes:
    if not isinstance(binary, str):
        raise ma.ValidationError({"binary": ["Not a base64 string."]})
    try:  # strict: characters outside the alphabet and bad padding are errors, not skipped
        return base64.b64decode(binary, validate=True)
    except (binascii.Error, ValueError):
        raise ma.ValidationError({"binary": ["Not valid base64."]}) from None


def save(upload: Upload, **owner) -> StoredFile:
    """Store the bytes and add their row (``owner``: task_id, note_id, organisation_id,
    internal, field) to the session."""
    digest = hashlib.sha256(upload.data).hexdigest()
    store().put(upload.data, digest)
    stored = StoredFile(filename=upload.filename, mimetype=upload.mimetype, size=len(upload.data),
                        sha256=digest, storage_key=digest, **owner)
    db.session.add(stored)
    return stored


def apply(actions, current: list[StoredFile], *, single: bool, **owner) -> None:
    """Carry out a field's actions on its ``current`` files: a single field holds at most one
    (an add replaces it), a list field keeps adding."""
    for action in actions:
        if isinstance(action, Upload):
            if single:
                _remove(current)
            save(action, **owner)
        elif isinstance(action, Remove):
            chosen = [f for f in current if action.file_id in (None, f.id)]
            if action.file_id is not None and not chosen:
                fail(422, "The file to remove is not in this field.", errors={
                    owner["field"]: f"File {action.file_id} is not in {owner['field']}."})
            _remove(chosen)


def _remove(files: list[StoredFile]) -> None:
    """Only the rows: the bytes may be shared by another row with the same content."""
    for stored in files:
        db.session.delete(stored)


def with_binary(files) -> None:
    """Attach each file's bytes in base64, for include_binary_data=1."""
    for stored in files:
        with store().open(stored.storage_key) as file:
            stored.binary = base64.b64encode(file.read()).decode()
