from flask.views import MethodView
from sqlalchemy import exists, or_, select

from app import audit, records, roles, tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.idempotency import idempotent
from app.models import AccessToken, User
from app.pagination import ListArgs, PageArgs, page_of, paginate, paginate_list
from app.requests import no_store
from app.schemas.user import RoleSchema, UserSchema, UserUpdateSchema
from oauth import scopes
from oauth.protector import authenticated_token, require_scope
from oauth.schemas import TokenSchema
from oauth.server import issue_emulation_token
from oauth.store import store

blp = Blueprint("users", __name__, url_prefix="/api/v1",
                description="Users, their permissions, and emulation")


@blp.route("/users")
class Users(MethodView):
    @require_scope("users:read")
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, args):
        """List users

        The users of the organisations in reach, oldest first. Needs `users:read`.
        """
        query = tenancy.scoped(User, organisation=args.get("organisation"))
        return paginate(query.order_by(User.id), args)

    @require_scope("users:write")
    @idempotent
    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="The email is taken in that organisation")
    def post(self, data):
        """Create a user

        In the caller's organisation, or `organisation` in reach. `admin` and `permissions` may
        grant only what the caller holds over that organisation (403 otherwise), and so may
        `role`, whose permissions count as granted (`GET /api/v1/roles`); an email already
        used in the organisation is a 409. Users have no password (`password` is a 422): API
        clients act for them.
        Needs `users:write`; accepts an `Idempotency-Key`.
        """
        organisation = tenancy.owner_for_create(data.pop("organisation_id", None))
        _require_grantable(organisation, data["admin"], data["permissions"], data.get("role"))
        _require_unique_email(organisation.id, data["email"])
        user = User(organisation_id=organisation.id, **data)
        db.session.add(user)
        db.session.commit()
        return user


@blp.route("/users/<id:user_id>")
class UserById(MethodView):
    @require_scope("users:read")
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """Get a user

        Needs `users:read`; 404 when the user is out of reach.
        """
        return tenancy.get_or_404(User, user_id)

    @require_scope("users:write")
    @blp.arguments(UserUpdateSchema(partial=True))
    @blp.response(200, UserSchema)
    @blp.alt_response(409, description="The email is taken in that organisation")
    def put(self, data, user_id):
        """Change a user

        `PUT` and `PATCH` both change the fields sent and keep the others. `permissions` replace
        the old ones and `role` the old role (null: none), within what the caller holds (403);
        an email used by another user of the organisation is a 409. `active: false` revokes the
        user's tokens, and is a 409 for the caller's own user. Needs `users:write`; 404 when the
        user is out of reach.
        """
        user = tenancy.get_or_404(User, user_id)
        tenancy.require_covers(user, "change")
        _require_grantable(user.organisation, data.get("admin", user.admin),
                           data.get("permissions", user.permissions), data.get("role", user.role))
        if data.get("email", user.email) != user.email:
            _require_unique_email(user.organisation_id, data["email"])
        if data.get("active") is False and user.id == authenticated_token().real_user_id:
            fail(409, "You cannot disable the user you are signed in as.")
        if data.get("active") is False:  # its tokens end for good, even if it comes back
            store().revoke_tokens(or_(AccessToken.user_id == user.id,
                                      AccessToken.real_user_id == user.id))
        return records.update(user, data)

    patch = put


@blp.route("/users/<id:user_id>/emulation", methods=["POST"])
@require_scope("users:emulate")
@no_store
@blp.response(201, TokenSchema)
@blp.alt_response(409, description="Already emulating, yourself, the user is disabled, or an API key")
def emulate(user_id):
    """Emulate a user

    A token that acts as this user (in reach, active, not the caller), with the scopes both
    the caller's token and the user hold, expiring no later than the caller's token.
    Revoking it (`POST /oauth/revoke`) ends the emulation; starting and ending are audited.
    409 while already emulating, for yourself, a disabled user or from an API key. Needs `users:emulate`.
    """
    target = tenancy.get_or_404(User, user_id)
    tenancy.require_covers(target, "emulate")
    token = authenticated_token()
    if token.is_api_key:
        fail(409, "An emulation starts from an OAuth access token, not from an API key.")
    if token.emulating:
        fail(409, "End the current emulation before starting another.")
    if target.id == token.user_id:
        fail(409, "You cannot emulate yourself; use your own token.")
    if not target.active:
        fail(409, "That user is disabled.")
    if not store().still_live(token):
        fail(409, "Your token was revoked meanwhile.")
    scope = scopes.join(token.effective_scopes() & target.held_scopes())
    emulation, issued = issue_emulation_token(token, target, scope)
    db.session.flush()
    audit.token_event("emulation.started", emulation)
    db.session.commit()
    return issued


@blp.route("/roles", methods=["GET"])
@require_scope("users:read")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(RoleSchema))
def list_roles(args):
    """List roles

    The roles a user may hold (`role`), each with the permissions it stands for. A role is
    granted like its permissions: only by a caller who holds them all over the user's
    organisation. Needs `users:read`.
    """
    return paginate_list([{"name": name, "description": description, "permissions": held}
                          for name, (description, held) in roles.ROLES.items()], args)


def _require_grantable(organisation, admin: bool, permissions: list[dict],
                       role: str | None) -> None:
    held = roles.merged(roles.permissions_of(role), permissions)
    missing = tenancy.missing_grants(organisation, admin, held)
    if missing:
        fail(403, f"You cannot grant what you do not hold: {', '.join(missing)}.",
             code="permission_denied")


def _require_unique_email(organisation_id: int, email: str) -> None:
    taken = select(exists().where(User.organisation_id == organisation_id, User.email == email))
    if db.session.scalar(taken):
        fail(409, "A user with this email already exists in that organisation.",
             errors={"email": "Already in use in this organisation."})

