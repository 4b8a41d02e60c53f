"""Start the real thing: `tiergate setup` and gunicorn, as `make run` does."""
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(instance: Path, **overrides) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY", "SECRET_KEY")}
    env.update({"INSTANCE_PATH": str(instance), "HOST": "127.0.0.1"})
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def tiergate(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "tiergate"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@contextmanager
def gunicorn(env: dict, timeout: float = 20):
    """Serve wsgi:app with the repository's gunicorn.conf.py; yield the base URL."""
    port = free_port()
    env = {**env, "PORT": str(port)}
    # A file, not a pipe: an unread pipe fills up and blocks the server's logging.
    Path(env["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    log_path = Path(env["INSTANCE_PATH"]) / f"gunicorn-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log_path.read_text()}")
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except requests.RequestException:  # not listening yet, or workers still booting
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown: nothing is in flight any more
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
