"""The notifications of the 004 seed, added to the session of the change that causes them
(so they commit or roll back with it), with one push outbox row per device of the recipient
for the worker to send (app.delivery.pushes). Without PUSH_GATEWAY_URL none is queued: a push
is worth little late, so none waits for a gateway configured later."""
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Connection, Device, Notification, Organisation, PushDelivery, Task, TaskNote, User


def _admins_of(organisation_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.organisation_id == organisation_id, User.admin.is_(True), User.active.is_(True))))


def _notify(users, kind: str, text: str, related_object: str, related_id: int, *, sender=None):
    for user in users:
        if sender is None or user.id != sender.id:  # nobody is told of what it did itself
            notification = Notification(
                user_id=user.id, organisation_id=user.organisation_id, kind=kind, text=text,
                related_object=related_object, related_id=related_id)
            db.session.add(notification)
            _queue_pushes(notification)


def _queue_pushes(notification: Notification) -> None:
    if current_app.config["PUSH_GATEWAY_URL"] is None:
        return
    devices = db.session.scalars(select(Device.id).where(Device.user_id == notification.user_id))
    db.session.add_all(PushDelivery(notification=notification, device_id=device_id)
                       for device_id in devices)


def _name(organisation_id: int) -> str:
    return db.session.get(Organisation, organisation_id).name


def new_connection(connection: Connection, sender: User) -> None:
    _notify(_admins_of(connection.foreign_organisation_id), "new_connection",
            f"{_name(connection.organisation_id)} has sent you a new connection request",
            "connection", connection.id, sender=sender)


def new_task(task: Task, sender: User) -> None:
    _notify(_admins_of(task.contractor_id), "new_task",
            f"{_name(task.organisation_id)} has sent you the task {task.title}", "task", task.id,
            sender=sender)


def new_note(note: TaskNote, task: Task, sender: User) -> None:
    """External: the other side's admins; internal: the writer side's admins and the users of
    that side assigned to the task."""
    if note.internal:
        assigned = [a.user for a in task.assignments if a.user.organisation_id == note.organisation_id]
        users = {u.id: u for u in [*_admins_of(note.organisation_id), *assigned]}.values()
        _notify(users, "new_note_internal",
                f"{sender.name} has sent you a note on the task {task.title}", "tasknote", note.id,
                sender=sender)
        return
    other = task.contractor_id if note.organisation_id == task.organisation_id else task.organisation_id
    _notify(_admins_of(other), "new_note_external",
            f"{_name(note.organisation_id)} has sent you a new note on the task {task.title}",
            "tasknote", note.id, sender=sender)


def assigned(user: User, task: Task, sender: User) -> None:
    _notify([user], "assigned_to_task", f"{sender.name} has assigned you to the task {task.title}",
            "task", task.id, sender=sender)
