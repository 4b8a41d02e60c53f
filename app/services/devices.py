"""Push devices: a device posted again is refreshed; posted by another user, it moves to
that user (a phone handed to a colleague must not get the previous user's pushes)."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import tenancy
from app.extensions import db
from app.models import Device
from app.models.base import utcnow


def register(data: dict) -> tuple[Device, bool]:
    """The device, now the current user's; True when it is new."""
    user = tenancy.current_user()
    tenancy.reach()  # the caller holds the permission of the view's scope
    device = _locked(data["device_id_string"])
    created = device is None
    if created:
        try:
            with db.session.begin_nested():
                device = Device(device_id_string=data["device_id_string"], user_id=user.id,
                                organisation_id=user.organisation_id,
                                platform_name=data["platform_name"])
                db.session.add(device)
        except IntegrityError:  # posted at the same moment by another request: take it over
            device, created = _locked(data["device_id_string"]), False
    if not created:
        device.user_id, device.organisation_id = user.id, user.organisation_id
        device.platform_name, device.updated_at = data["platform_name"], utcnow()
    db.session.commit()
    return device, created


def _locked(device_id_string: str) -> Device | None:
    return db.session.scalar(select(Device).where(Device.device_id_string == device_id_string)
                             .with_for_update().execution_options(populate_existing=True))


def forget(device_id_string: str) -> None:
    db.session.delete(tenancy.own_or_404(Device, Device.device_id_string, device_id_string))
    db.session.commit()
