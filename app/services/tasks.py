"""Tasks between connected organisations, their notes and assignments, with their file
fields and the notifications they cause (in the same transaction)."""
from sqlalchemy import select

from app import events, files, states, tenancy
from app.errors import fail
from app.extensions import db
from app.models import Assignment, Customer, Task, TaskNote, User
from app.services import notifications

TRANSITIONS = states.StateMachine("task", keeps_history=False, moves={
    "new": ("accepted", "cancelled"),
    "accepted": ("in_progress", "cancelled"),
    "in_progress": ("completed", "cancelled"),
})
FILE_FIELDS = {"photos": False, "attachment": True}  # name -> holds a single file


def _pop_files(data: dict) -> dict:
    """The file fields' actions, each as a list."""
    actions = {}
    for name, single in FILE_FIELDS.items():
        if name in data:
            value = data.pop(name)
            actions[name] = [value if value is not None else files.Remove()] if single else value
    return actions


def _apply_files(actions: dict, record, **owner) -> None:
    for name, field_actions in actions.items():
        files.apply(field_actions, getattr(record, name) if name == "photos" else
                    [f for f in [record.attachment] if f], single=FILE_FIELDS[name],
                    field=name, **owner)
    if actions:  # the view-only list loaded above reloads with the files just stored
        db.session.expire(record, ["files"])


def _check_customer(data: dict, task: Task | None = None) -> None:
    """A customer in the caller's reach; the task's own, sent back unchanged, is no change."""
    customer_id = data.get("customer_id")
    if customer_id is not None and customer_id != getattr(task, "customer_id", None):
        tenancy.get_or_404(Customer, customer_id, field="customer_id")


def create(data: dict) -> Task:
    actions = _pop_files(data)
    if data.pop("status", "new") != "new":
        fail(422, "A task starts as new.", errors={"status": "A new task's status is new."})
    company = tenancy.owner_for_create(data.pop("organisation_id", None), field="company_ref")
    contractor = tenancy.foreign_company_or_404(data.pop("contractor_id"), field="foreigncompany_ref",
                                                of=company)
    _check_customer(data)
    task = Task(organisation_id=company.id, contractor_id=contractor.id, **data)
    db.session.add(task)
    db.session.flush()
    _apply_files(actions, task, task_id=task.id, organisation_id=company.id)
    notifications.new_task(task, tenancy.current_user())
    events.record_for_parties("task.created", task)
    db.session.commit()
    return task


def update(task_id: int, data: dict) -> Task:
    """Set the fields sent; ``status`` moves by the transition table."""
    task = tenancy.get_or_404(Task, task_id, lock=True)
    actions = _pop_files(data)
    moved = "status" in data and TRANSITIONS.move(task, data.pop("status"))
    _check_customer(data, task)
    start = data.get("scheduled_start", task.scheduled_start)
    end = data.get("scheduled_end", task.scheduled_end)
    if start and end and end < start:
        fail(422, "The end is before the start.", errors={"scheduled_end": "The end is before the start."})
    changed = moved or bool(actions) or any(getattr(task, field) != value
                                            for field, value in data.items())
    for field, value in data.items():
        setattr(task, field, value)
    _apply_files(actions, task, task_id=task.id, organisation_id=tenancy.side_in_reach(task))
    if changed:
        events.record_for_parties("task.updated", task)
    db.session.commit()
    return task


def add_note(task_id: int, data: dict) -> TaskNote:
    task = tenancy.get_or_404(Task, task_id)
    actions = _pop_files(data)
    side, writer = tenancy.side_in_reach(task), tenancy.current_user()
    note = TaskNote(task_id=task.id, organisation_id=side, user_id=writer.id, **data)
    db.session.add(note)
    db.session.flush()
    _apply_files(actions, note, task_id=task.id, note_id=note.id, organisation_id=side,
                 internal=note.internal)
    notifications.new_note(note, task, writer)
    events.record_for_parties("task_note.created", note)
    db.session.commit()
    return note


def assign(data: dict) -> Assignment:
    """Assign a user of the task's contractor (in the caller's reach) to the task, once."""
    task = tenancy.get_or_404(Task, data["task_id"], field="task_ref")
    user = tenancy.get_or_404(User, data["user_id"], field="user_ref")
    if not user.organisation.is_within(task.contractor):
        fail(422, "The user_ref given is not one you can use.",
             errors={"user_ref": "The user must belong to the task's contractor."})
    if db.session.scalar(select(Assignment.id).where(Assignment.task_id == task.id,
                                                     Assignment.user_id == user.id)):
        fail(409, "This user is assigned to this task already.")
    assignment = Assignment(task_id=task.id, user_id=user.id)
    db.session.add(assignment)
    db.session.flush()  # a concurrent twin fails here on the unique constraint (409)
    notifications.assigned(user, task, tenancy.current_user())
    events.record_for_parties("assignment.created", assignment)
    db.session.commit()
    return assignment


def unassign(assignment_id: int) -> None:
    """Only the contractor's side removes its users from a task."""
    assignment = tenancy.get_or_404(Assignment, assignment_id)
    task = db.session.get(Task, assignment.task_id)
    if tenancy.side_in_reach(task) != task.contractor_id:
        fail(403, "Only the task's contractor can remove an assignment.", code="permission_denied")
    events.record_for_parties("assignment.deleted", assignment)
    db.session.delete(assignment)
    db.session.commit()
