from app.blueprint import Blueprint
from app.schemas.user import MeSchema
from oauth.protector import authenticated_token, require_scope

blp = Blueprint("me", __name__, url_prefix="/api/v1", description="The authenticated user")


class Me:
    """The effective user, plus who is really behind the token."""

    def __init__(self, token):
        self._user = token.user
        real = token.real_user if token.emulating else token.user
        self.real_id, self.real_name, self.emulating = real.id, real.name, token.emulating

    def __getattr__(self, name):
        return getattr(self._user, name)


@blp.route("/me", methods=["GET"])
@require_scope()
@blp.response(200, MeSchema)
def get_me():
    """The authenticated user

    The user the token acts as, with its organisation and permissions; while emulating,
    `real_id` and `real_name` name the user who started the emulation. Any valid token, no
    scope needed.
    """
    return Me(authenticated_token())
