from zoneinfo import available_timezones

import marshmallow as ma

from app import roles
from app.schemas.common import FullMatch, Id, Schema, StrictBoolean, Text, Whole
from oauth.scopes import ALL_PERMISSIONS

MODULES = ("WEBSTORE", "BILLING", "INVENTORY", "WORKSHOP", "REPORTS")
_TIMEZONES = frozenset(available_timezones()) | {"UTC"}


class PermissionSchema(Schema):
    permission = ma.fields.String(required=True, validate=ma.validate.OneOf(ALL_PERMISSIONS),
                                  metadata={"example": "customers:view"})
    parent = StrictBoolean(load_default=False, metadata={
        "description": "Also on the organisation's descendants", "example": False})

    @ma.post_load
    def _explicit_parent(self, data, **kwargs):
        """Stored as given or false, also when a partial update leaves it out."""
        return {"permission": data["permission"], "parent": data.get("parent", False)}


def _known_timezone(value: str) -> None:
    if value not in _TIMEZONES:
        raise ma.ValidationError("Use an IANA time zone such as Europe/London.")


def _unique_permissions(permissions):
    names = [held["permission"] for held in permissions]
    if len(names) != len(set(names)):
        raise ma.ValidationError("Each permission may appear once.")


def _no_passwords(value) -> None:
    raise ma.ValidationError(
        "Users have no password: nothing in this API signs in with one. Leave it out; an API "
        "client (POST /api/v1/api-clients) acts for the user.")


class UserSchema(Schema):
    """A user of an organisation."""

    id = ma.fields.Integer(dump_only=True, metadata={"example": 5})
    name = Text(200, required=True, metadata={"example": "Tom Jones"})
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254),
                            metadata={"example": "tom@example.com"})
    organisation = Id(attribute="organisation_id",
                      metadata={"description": "Default: the caller's organisation"})
    currency = ma.fields.String(load_default="GBP", validate=FullMatch(
        r"^[A-Z]{3}$", error="Use an ISO 4217 code such as GBP."), metadata={"example": "GBP"})
    locale = ma.fields.String(load_default="en", validate=FullMatch(
        r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="Use a BCP 47 tag such as en or en-GB."),
        metadata={"example": "en"})
    timezone = ma.fields.String(load_default="Europe/London", validate=_known_timezone,
                                metadata={"description": "IANA time zone",
                                          "example": "Europe/London"})
    admin = StrictBoolean(load_default=False)
    root = ma.fields.Boolean(dump_only=True)
    active = StrictBoolean(dump_only=True)
    modules = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(MODULES)),
                             load_default=list, metadata={"example": ["WEBSTORE"]})
    permissions = ma.fields.List(Whole(PermissionSchema), load_default=list,
                                 validate=_unique_permissions, metadata={
                                     "description": "Explicit permissions, besides the role's"})
    role = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(roles.NAMES), metadata={
        "description": "A named set of permissions (GET /api/v1/roles), held besides the "
                       "explicit ones", "example": "staff"})
    password = ma.fields.Raw(load_only=True, validate=_no_passwords, metadata={
        "description": "Refused (422): users have no password"})
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class UserUpdateSchema(UserSchema):
    """Fields to change; those left out stay as they are. Load with ``partial=True``."""

    organisation = ma.fields.Integer(attribute="organisation_id", dump_only=True, metadata={
        "description": "A record stays in its organisation"})

    active = StrictBoolean(metadata={"description": "false disables the user and its tokens"})


class MeSchema(UserSchema):
    """The authenticated user; while emulating, the emulated one, with the real one in real_*."""

    real_id = ma.fields.Integer(dump_only=True, metadata={"example": 1})
    real_name = ma.fields.String(dump_only=True, metadata={"example": "Diana Ross"})
    emulating = ma.fields.Boolean(dump_only=True)


class RoleSchema(Schema):
    """A role: the permissions a user with it holds."""

    name = ma.fields.String(dump_only=True, metadata={"example": "staff"})
    description = ma.fields.String(dump_only=True)
    permissions = ma.fields.List(ma.fields.Nested(PermissionSchema), dump_only=True)
