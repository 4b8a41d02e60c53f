"""Every setting the service reads from the environment, with its default."""
import os
import secrets
from pathlib import Path


def instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def _secret_key(instance: Path) -> str:
    """SECRET_KEY keys the hashes of client secrets and access tokens.

    Every app server of one deployment must share it; without the variable a key
    is created once in the instance folder so that hashes survive restarts.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'tiergate.db'}"
    # Hosted providers hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment() -> dict:
    instance = instance_path()
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATE_LIMIT": os.environ.get("RATE_LIMIT", "1000 per hour"),
        "AUTH_FAILURE_LIMIT": os.environ.get("AUTH_FAILURE_LIMIT", "10 per minute"),
        "ACCESS_TOKEN_EXPIRES_IN": int(os.environ.get("ACCESS_TOKEN_EXPIRES_IN", "3600")),
        "AUTH_CACHE_SECONDS": float(os.environ.get("AUTH_CACHE_SECONDS", "5")),
        "ISSUER": os.environ.get("ISSUER") or None,
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "ALLOW_INSECURE_HTTP": os.environ.get("ALLOW_INSECURE_HTTP", "") in ("1", "true"),
        "BOOTSTRAP_CLIENT_ID": os.environ.get("BOOTSTRAP_CLIENT_ID") or None,
        "BOOTSTRAP_CLIENT_SECRET": os.environ.get("BOOTSTRAP_CLIENT_SECRET") or None,
        # files of file fields, and the body limit of the requests that carry them
        "FILE_STORAGE_PATH": os.environ.get("FILE_STORAGE_PATH") or str(instance / "files"),
        "FILE_STORAGE_URL": os.environ.get("FILE_STORAGE_URL") or None,  # s3://bucket/prefix
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL") or None,
        "FILE_MAX_BYTES": int(os.environ.get("FILE_MAX_BYTES", str(10 * 1024 * 1024))),
        "FILE_REQUEST_MAX_LENGTH": int(os.environ.get("FILE_REQUEST_MAX_LENGTH",
                                                      str(32 * 1024 * 1024))),
        "PAYMENT_URL": os.environ.get("PAYMENT_URL") or None,
        "PAYMENT_URL_MAX_AGE": int(os.environ.get("PAYMENT_URL_MAX_AGE", "3600")),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        "USAGE_FLUSH_SECONDS": float(os.environ.get("USAGE_FLUSH_SECONDS", "1")),
        "DEFAULT_CURRENCY": os.environ.get("DEFAULT_CURRENCY", "GBP"),
        "WEBHOOK_ALLOWED_HOSTS": [host.strip() for host in os.environ.get(
            "WEBHOOK_ALLOWED_HOSTS", "").split(",") if host.strip()],
        "SMTP_URL": os.environ.get("SMTP_URL") or None,
        "EMAIL_FROM": os.environ.get("EMAIL_FROM", "invoices@tiergate.invalid"),
        # where the worker sends push notifications (unset: none are queued) and its bearer token
        "PUSH_GATEWAY_URL": os.environ.get("PUSH_GATEWAY_URL") or None,
        "PUSH_GATEWAY_TOKEN": os.environ.get("PUSH_GATEWAY_TOKEN") or None,
        # where a sandbox tree's webhooks and emails go instead (app.delivery.sinks); unset:
        # written under instance/sandbox/
        "SANDBOX_WEBHOOK_SINK_URL": os.environ.get("SANDBOX_WEBHOOK_SINK_URL") or None,
        "SANDBOX_EMAIL_SINK": os.environ.get("SANDBOX_EMAIL_SINK") or None,
        "WORKER_THREADS": int(os.environ.get("WORKER_THREADS", "4")),
    }


class Defaults:
    """Settings that are not read from the environment."""

    MAX_CONTENT_LENGTH = 1024 * 1024
    SQLALCHEMY_ENGINE_OPTIONS = {}  # connections idle for a second are pinged: see database
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    API_TITLE = "Tiergate API"
    API_VERSION = "1.0.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"

    RATELIMIT_HEADERS_ENABLED = False  # written by app.requests, with the names this API promises
    RATELIMIT_STRATEGY = "tiergate-fixed-window"  # app.ratelimit.OneTripFixedWindow
    # While the limit storage (Redis) is down, each process counts on its own and keeps
    # serving; flask-limiter checks the storage again with a growing back-off (1 s to 32 s)
    # and goes back to it by itself. A storage that hangs fails within seconds, once: the
    # next requests use the fallback at once.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 3}

    PAGE_SIZE_DEFAULT = 20

    # The worker (app.delivery): a delivery counts only if answered within the timeout; a
    # claim is a worker's for the lease, after which another worker takes it over.
    WEBHOOK_TIMEOUT = 15.0
    SMTP_TIMEOUT = 30.0
    PUSH_TIMEOUT = 10.0
    WORKER_LEASE_SECONDS = 120
    WORKER_POLL_SECONDS = 1.0

    # flask-cors: any origin may call the API (it takes bearer tokens, not cookies).
    CORS_ORIGINS = "*"
    CORS_SEND_WILDCARD = True
    CORS_ALLOW_HEADERS = [  # what browsers may send: the usual, and the headers this API reads
        "X-Requested-With", "Content-Type", "Accept", "Origin", "Authorization",
        "Idempotency-Key", "X-Request-Id", "Signature", "Signature-Input", "Content-Digest"]
    CORS_EXPOSE_HEADERS = [
        "X-Request-Id", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset",
        "Retry-After", "WWW-Authenticate", "Accept-Signature", "RateLimit", "RateLimit-Policy"]
