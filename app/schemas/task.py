from datetime import timezone

import marshmallow as ma

from app.files import FileField
from app.models.task import TASK_STATUSES
from app.pagination import PageArgs
from app.schemas.common import Id, Schema, StrictBoolean, Text


def _moment(**kwargs):
    return ma.fields.AwareDateTime(default_timezone=timezone.utc, allow_none=True, **kwargs)


class FileFieldsSchema(Schema):
    photos = ma.fields.List(FileField(), metadata={
        "description": "Photos: each add appends one; a remove with an id removes that one, "
                       "without removes all"})
    attachment = FileField(metadata={"description": "One file: an add replaces it"})


class TaskSchema(FileFieldsSchema):
    """A task `company_ref` gives to the connected `foreigncompany_ref`; both sides see it
    while their connection is accepted."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 7})
    company_ref = Id(attribute="organisation_id", metadata={
        "description": "The organisation giving the task (in reach); default: the caller's"})
    foreigncompany_ref = Id(attribute="contractor_id", required=True, metadata={
        "description": "The contractor doing it: a foreign company connected to company_ref"})
    title = Text(200, required=True, metadata={"example": "Replace the meter"})
    description = Text(10000, allow_none=True)
    address = Text(500, allow_none=True, metadata={"example": "1 High Street, Leeds"})
    scheduled_start = _moment()
    scheduled_end = _moment()
    status = ma.fields.String(validate=ma.validate.OneOf(TASK_STATUSES), metadata={
        "description": "new (the start) -> accepted -> in_progress -> completed; new, accepted "
                       "and in_progress -> cancelled. Another move is a 409 listing the allowed "
                       "ones"})
    customer_id = Id(allow_none=True, metadata={"description": "A customer in reach (optional)"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

    @ma.validates_schema
    def _ends_after_start(self, data, **kwargs):
        start, end = data.get("scheduled_start"), data.get("scheduled_end")
        if start and end and end < start:
            raise ma.ValidationError("The end is before the start.", "scheduled_end")


class TaskUpdateSchema(TaskSchema):
    """Fields to change; those left out stay as they are. Load with ``partial=True``."""

    company_ref = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A task stays between its two organisations"})
    foreigncompany_ref = ma.fields.Integer(attribute="contractor_id", dump_only=True)


class TaskListArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(TASK_STATUSES))
    foreigncompany_ref = Id(strict=False, metadata={"description": "Tasks of this contractor"})
    company_ref = Id(strict=False, metadata={"description": "Tasks given by this organisation"})


class SingleArgs(Schema):
    include_binary_data = ma.fields.Integer(load_default=0, validate=ma.validate.OneOf([0, 1]),
                                            metadata={"description": "1: each file with its "
                                                      "bytes in base64 (`binary`)"})


class TaskNoteSchema(FileFieldsSchema):
    """A note on a task: `external` ones are seen by both sides, `internal` ones only by the
    writer's side."""

    id = ma.fields.Integer(dump_only=True)
    task_ref = ma.fields.Integer(attribute="task_id", dump_only=True)
    company_ref = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "The writer's side of the task"})
    user_ref = ma.fields.Integer(attribute="user_id", dump_only=True)
    user_name = ma.fields.String(attribute="user.name", dump_only=True)
    text = Text(10000, required=True, metadata={"example": "The key is under the mat"})
    internal = StrictBoolean(load_default=False, metadata={
        "description": "true: only the writer's side sees it; false (external): both"})
    created_at = ma.fields.DateTime(dump_only=True)


class AssignmentSchema(Schema):
    """A user of the task's contractor assigned to the task."""

    id = ma.fields.Integer(dump_only=True)
    task_ref = Id(attribute="task_id", required=True)
    user_ref = Id(attribute="user_id", required=True, metadata={
        "description": "A user of the task's contractor, in the caller's reach"})
    user_name = ma.fields.String(attribute="user.name", dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class AssignmentListArgs(PageArgs):
    task_ref = Id(strict=False, metadata={"description": "Assignments to this task"})
