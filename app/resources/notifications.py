from flask.views import MethodView

from app import records, tenancy
from app.blueprint import Blueprint
from app.idempotency import idempotent
from app.models import Notification
from app.pagination import page_of, paginate
from app.schemas.notification import (
    DeviceSchema,
    NotificationListArgs,
    NotificationSchema,
    NotificationUpdateSchema,
)
from app.services import devices
from oauth.protector import require_scope

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="The current user's notifications and push devices")


@blp.route("/notifications")
class Notifications(MethodView):
    @require_scope("notifications:read")
    @blp.arguments(NotificationListArgs, location="query")
    @blp.response(200, page_of(NotificationSchema))
    def get(self, args):
        """List my notifications

        The current user's notifications, newest first; `is_read` narrows to read or unread
        ones. Needs `notifications:read`.
        """
        query = tenancy.own(Notification)
        if args.get("is_read") is not None:
            query = query.where(Notification.is_read.is_(args["is_read"]))
        return paginate(query.order_by(Notification.id.desc()), args)


@blp.route("/notifications/<id:notification_id>")
class NotificationById(MethodView):
    @require_scope("notifications:write")
    @blp.arguments(NotificationUpdateSchema(partial=True))
    @blp.response(200, NotificationSchema)
    def post(self, data, notification_id):
        """Mark a notification read or unread

        Sets `is_read` (the 004 seed updates by `POST`). Needs `notifications:write`; 404 for a
        notification of another user.
        """
        return records.update(tenancy.own_or_404(Notification, Notification.id, notification_id), data)

    @require_scope("notifications:write")
    @blp.response(204)
    def delete(self, notification_id):
        """Delete a notification

        Needs `notifications:write`; 404 for a notification of another user.
        """
        records.delete(tenancy.own_or_404(Notification, Notification.id, notification_id))


@blp.route("/deviceids", methods=["POST"])
@require_scope("notifications:write")
@idempotent
@blp.arguments(DeviceSchema)
@blp.response(201, DeviceSchema, description="A device new to the service")
@blp.alt_response(200, schema=DeviceSchema, description="A device known already, now the caller's")
def register_device(data):
    """Register a push device

    Adds the device to the current user. Posting it again only updates its last change; a
    device registered by another user moves to the current one, so pushes follow whoever uses
    the phone now. Needs `notifications:write`.
    """
    device, created = devices.register(data)
    return device, 201 if created else 200


@blp.route("/deviceids/<device_id_string>", methods=["DELETE"])
@require_scope("notifications:write")
@blp.response(204)
def forget_device(device_id_string):
    """Forget a push device

    On logout: the device gets no more pushes. Needs `notifications:write`; 404 for a device
    that is not the current user's.
    """
    devices.forget(device_id_string)
