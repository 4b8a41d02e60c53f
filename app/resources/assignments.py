from flask.views import MethodView

from app import events, tenancy
from app.blueprint import Blueprint
from app.idempotency import idempotent
from app.models import Assignment
from app.pagination import page_of, paginate
from app.schemas.task import AssignmentListArgs, AssignmentSchema
from app.services import tasks
from oauth.protector import require_scope

blp = Blueprint("assignments", __name__, url_prefix="/api/v1",
                description="Users of a task's contractor assigned to it")
events.publish(Assignment, "assignment", AssignmentSchema)


@blp.route("/assignments")
class Assignments(MethodView):
    @require_scope("tasks:read")
    @blp.arguments(AssignmentListArgs, location="query")
    @blp.response(200, page_of(AssignmentSchema))
    def get(self, args):
        """List assignments

        The assignments to tasks the caller sees (both sides see the assigned users' names),
        oldest first; `task_ref` narrows to one task. Needs `tasks:read`.
        """
        query = tenancy.scoped(Assignment)
        if args.get("task_ref") is not None:
            query = query.where(Assignment.task_id == args["task_ref"])
        return paginate(query.order_by(Assignment.id), args)

    @require_scope("tasks:write")
    @idempotent
    @blp.arguments(AssignmentSchema)
    @blp.response(201, AssignmentSchema)
    @blp.alt_response(409, description="The user is assigned to the task already")
    def post(self, data):
        """Assign a user to a task

        `user_ref` must be a user in the caller's reach belonging to the task's contractor
        (otherwise a 422 on the field), assigned once (409 the second time); the user is
        notified. Needs `tasks:write`; accepts an `Idempotency-Key`.
        """
        return tasks.assign(data)


@blp.route("/assignments/<id:assignment_id>")
class AssignmentById(MethodView):
    @require_scope("tasks:write")
    @blp.response(204)
    def delete(self, assignment_id):
        """Remove an assignment

        Only the task's contractor side (403 for the other side). Needs `tasks:write`; 404 when
        the task is not the caller's or shared with it.
        """
        tasks.unassign(assignment_id)
