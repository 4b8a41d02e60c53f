"""HTTP Basic client credentials (RFC 6749 section 2.3.1), parsed without surprises."""
from authlib.oauth2.rfc6749.util import extract_basic_authorization


def basic_credentials(headers) -> tuple[str, str] | None:
    """(client_id, secret) from an ``Authorization: Basic`` header; None without one.

    A malformed header, or one with control characters (no client id or secret has any, and
    databases refuse NUL), yields empty credentials, which fail authentication like any
    other."""
    if not headers.get("Authorization", "").lower().startswith("basic "):
        return None
    try:
        client_id, secret = extract_basic_authorization(headers)
    except (ValueError, UnicodeDecodeError):
        return "", ""
    client_id, secret = client_id or "", secret or ""
    if not (client_id + secret).isprintable():
        return "", ""
    return client_id, secret
