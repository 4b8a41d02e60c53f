from flask.views import MethodView
from sqlalchemy import exists, or_, select

from app import audit, records, tenancy
from app.blueprint import Blueprint
from app.errors import fail
from app.extensions import db
from app.idempotency import idempotent
from app.models import AccessToken, User
from app.pagination import ListArgs, page_of, paginate
from app.requests import no_store
from app.schemas.user import UserSchema, UserUpdateSchema
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
        """List the users in reach."""
        query = tenancy.scoped(User, organisation=args.get("organisation"))
        return paginate(query.order_by(User.id), args)

    @require_scope("users:write")
    @idempotent
    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="The email is taken in that organisation")
    def post(self, data):
        """Create a user, granting at most what the caller holds."""
        organisation = tenancy.owner_for_create(data.pop("organisation_id", None))
        _require_grantable(organisation, data["admin"], data["permissions"])
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
        """Get a user in reach."""
        return tenancy.get_or_404(User, user_id)

    @require_scope("users:write")
    @blp.arguments(UserUpdateSchema(partial=True))
    @blp.response(200, UserSchema)
    @blp.alt_response(409, description="The email is taken in that organisation")
    def put(self, data, user_id):
        """Change a user; permissions given replace the old ones, within what the caller holds."""
        user = tenancy.get_or_404(User, user_id)
        tenancy.require_covers(user, "change")
        _require_grantable(user.organisation, data.get("admin", user.admin),
                           data.get("permissions", user.permissions))
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
@blp.alt_response(409, description="Already emulating, yourself, or the user is disabled")
def emulate(user_id):
    """Get a token that acts as this user; revoking it ends the emulation."""
    target = tenancy.get_or_404(User, user_id)
    tenancy.require_covers(target, "emulate")
    token = authenticated_token()
    if token.emulating:
        fail(409, "End the current emulation before starting another.")
    if target.id == token.user_id:
        fail(409, "You cannot emulate yourself; use your own token.")
    if not target.active:
        fail(409, "That user is disabled.")
    scope = scopes.join(token.effective_scopes() & target.held_scopes())
    emulation, issued = issue_emulation_token(token, target, scope)
    db.session.flush()
    audit.token_event("emulation.started", emulation)
    db.session.commit()
    return issued


def _require_grantable(organisation, admin: bool, permissions: list[dict]) -> None:
    missing = tenancy.missing_grants(organisation, admin, permissions)
    if missing:
        fail(403, f"You cannot grant what you do not hold: {', '.join(missing)}.",
             code="permission_denied")


def _require_unique_email(organisation_id: int, email: str) -> None:
    taken = select(exists().where(User.organisation_id == organisation_id, User.email == email))
    if db.session.scalar(taken):
        fail(409, "A user with this email already exists in that organisation.",
             errors={"email": "Already in use in this organisation."})

