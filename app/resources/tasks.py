from flask.views import MethodView

from app import events, files, tenancy
from app.blueprint import Blueprint
from app.idempotency import idempotent
from app.models import Task, TaskNote
from app.pagination import PageArgs, page_of, paginate
from app.schemas.task import SingleArgs, TaskListArgs, TaskNoteSchema, TaskSchema, TaskUpdateSchema
from app.services import tasks
from oauth.protector import require_scope

blp = Blueprint("tasks", __name__, url_prefix="/api/v1",
                description="Tasks handed to connected contractors, and their notes")
events.publish(Task, "task", TaskSchema)
events.publish(TaskNote, "task_note", TaskNoteSchema)

class TakesFiles(MethodView):
    body_limit_setting = "FILE_REQUEST_MAX_LENGTH"  # app.requests: base64 is a third larger


@blp.route("/tasks")
class Tasks(TakesFiles):
    @require_scope("tasks:read")
    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, page_of(TaskSchema))
    def get(self, args):
        """List tasks

        The tasks given by organisations in reach and, while their connection is accepted, those
        given to them; oldest first. Filters: `status`, `company_ref`, `foreigncompany_ref`. Files
        are described without their bytes. Needs `tasks:read`.
        """
        query = tenancy.scoped(Task)
        for arg, column in (("status", Task.status), ("company_ref", Task.organisation_id),
                            ("foreigncompany_ref", Task.contractor_id)):
            if args.get(arg) is not None:
                query = query.where(column == args[arg])
        return paginate(query.order_by(Task.id), args)

    @require_scope("tasks:write")
    @idempotent
    @blp.arguments(TaskSchema)
    @blp.response(201, TaskSchema)
    def post(self, data):
        """Create a task

        Given by `company_ref` (in reach; by default the caller's organisation) to
        `foreigncompany_ref`, a foreign company connected to it (otherwise a 422 on the field).
        It starts as `new`; the contractor's admins are notified. Needs `tasks:write`; accepts
        an `Idempotency-Key`.
        File fields (`photos`, `attachment`) take base64: an invalid file is a 422 on the field;
        the request may be up to FILE_REQUEST_MAX_LENGTH bytes (default 32 MB).
        """
        return tasks.create(data)


@blp.route("/tasks/<id:task_id>")
class TaskById(TakesFiles):
    @require_scope("tasks:read")
    @blp.arguments(SingleArgs, location="query")
    @blp.response(200, TaskSchema)
    def get(self, args, task_id):
        """Get a task

        With `include_binary_data=1` each file carries its bytes in base64 (`binary`): only here,
        on a single task, never in lists. Needs `tasks:read`; 404 when it is not the caller's or
        shared with it.
        """
        task = tenancy.get_or_404(Task, task_id)
        if args["include_binary_data"]:
            files.with_binary(task.files)
        return task

    @require_scope("tasks:write")
    @blp.arguments(TaskUpdateSchema(partial=True))
    @blp.response(200, TaskSchema)
    @blp.alt_response(409, description="The status cannot move there from the current one")
    def put(self, data, task_id):
        """Change a task

        `PUT`, `PATCH` and `POST` (the 004 seed's update) all change the fields sent and keep the
        others. `status` moves by the transition table: another move is a 409 listing the allowed
        ones. Either side may change it. Needs `tasks:write`; 404 when it is not the caller's or
        shared with it.
        File fields (`photos`, `attachment`) take base64: an invalid file is a 422 on the field;
        the request may be up to FILE_REQUEST_MAX_LENGTH bytes (default 32 MB).
        """
        return tasks.update(task_id, data)

    patch = put
    post = put


@blp.route("/tasks/<id:task_id>/notes")
class TaskNotes(TakesFiles):
    @require_scope("tasks:read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(TaskNoteSchema))
    def get(self, args, task_id):
        """List a task's notes

        Its external notes and the internal notes of the caller's side, oldest first. Needs
        `tasks:read`; 404 when the task is not the caller's or shared with it.
        """
        task = tenancy.get_or_404(Task, task_id)
        query = tenancy.scoped(TaskNote).where(TaskNote.task_id == task.id)
        return paginate(query.order_by(TaskNote.id), args)

    @require_scope("tasks:write")
    @idempotent
    @blp.arguments(TaskNoteSchema)
    @blp.response(201, TaskNoteSchema)
    def post(self, data, task_id):
        """Write a note on a task

        An external note notifies the other side's admins; an internal one (seen only by the
        writer's side) its admins and its users assigned to the task. Needs `tasks:write`;
        accepts an `Idempotency-Key`; 404 when the task is not the caller's or shared with it.
        File fields (`photos`, `attachment`) take base64: an invalid file is a 422 on the field;
        the request may be up to FILE_REQUEST_MAX_LENGTH bytes (default 32 MB).
        """
        return tasks.add_note(task_id, data)
