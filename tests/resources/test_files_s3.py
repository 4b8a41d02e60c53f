"""Files in an S3-compatible bucket (FILE_STORAGE_URL): moto's S3 API served on loopback,
the app's test client in process. Add and read back, the same bytes stored once, remove,
and an unreachable bucket (503, nothing stored)."""
import base64
import hashlib
import socket
import uuid

import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import func, select

from app import file_store
from app.extensions import db
from app.models import StoredFile, Task
from tests.resources.field_service import connect
from tests.resources.test_files import PNG, _add

# boto3 must find everything here: no instance metadata lookup, no shared files, no retries.
AWS_ENVIRONMENT = {
    "AWS_EC2_METADATA_DISABLED": "true", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_MAX_ATTEMPTS": "1",
    "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
}


@pytest.fixture(scope="module")
def s3_endpoint():
    with pytest.MonkeyPatch.context() as environment:
        for name, value in AWS_ENVIRONMENT.items():
            environment.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


def _use(app, monkeypatch, store):
    monkeypatch.setitem(app.extensions, file_store.EXTENSION_KEY, store)
    return store


@pytest.fixture
def bucket(app, monkeypatch, s3_endpoint):
    """A fresh bucket of the moto server as the app's file store."""
    name = f"tiergate-{uuid.uuid4().hex[:12]}"
    store = file_store.S3Store(f"s3://{name}/files", s3_endpoint)
    store.client.create_bucket(Bucket=name)
    return _use(app, monkeypatch, store)


@pytest.fixture
def unreachable(s3_endpoint):
    """A store whose endpoint is a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return file_store.S3Store("s3://gone/files", f"http://127.0.0.1:{port}")


@pytest.fixture
def task_url(client, parties, auth):
    connect(parties.client_org, parties.contractor_org)
    db.session.commit()
    response = client.post("/api/v1/tasks", json={"foreigncompany_ref": parties.contractor_org.id,
                                                  "title": "Meter"}, headers=auth(parties.client_admin))
    assert response.status_code == 201, response.json
    return f"/api/v1/tasks/{response.json['id']}"


def _objects(store) -> dict[str, bytes]:
    listed = store.client.list_objects_v2(Bucket=store.bucket).get("Contents", [])
    return {item["Key"]: store.client.get_object(Bucket=store.bucket, Key=item["Key"])["Body"].read()
            for item in listed}


def test_a_png_is_stored_in_the_bucket_and_read_back(client, parties, auth, bucket, task_url):
    worker = auth(parties.worker)
    added = client.post(task_url, json={"photos": [_add(PNG, "image/png", "meter.png")]}, headers=worker)
    assert added.status_code == 200, added.json
    [photo] = added.json["photos"]
    assert _objects(bucket) == {f"files/{hashlib.sha256(PNG).hexdigest()}": PNG}
    served = client.get(f"/api/v1/files/{photo['id']}", headers=worker, buffered=False)
    assert served.is_streamed  # passed on from the object's body as it arrives, not read whole first
    assert (served.status_code, served.mimetype, served.get_data()) == (200, "image/png", PNG)
    full = client.get(f"{task_url}?include_binary_data=1", headers=worker).json
    assert base64.b64decode(full["photos"][0]["binary"]) == PNG


def test_the_same_bytes_are_uploaded_once(client, parties, auth, bucket, task_url):
    uploads = []
    bucket.client.meta.events.register("before-call.s3.PutObject", lambda **_: uploads.append(1))
    worker = auth(parties.worker)
    client.post(task_url, json={"photos": [_add(PNG, "image/png", "a.png")]}, headers=worker)
    twice = client.post(task_url, json={"photos": [_add(PNG, "image/png", "b.png")],
                                        "attachment": _add(PNG, "image/png", "c.png")}, headers=worker)
    assert twice.status_code == 200, twice.json
    assert len(uploads) == 1 and len(_objects(bucket)) == 1
    keys = db.session.scalars(select(StoredFile.storage_key)).all()
    assert keys == [hashlib.sha256(PNG).hexdigest()] * 3


def test_removing_a_file_keeps_the_bytes_another_row_shares(client, parties, auth, bucket, task_url):
    worker = auth(parties.worker)
    photos = client.post(task_url, json={"photos": [_add(PNG, "image/png", "a.png"),
                                                    _add(PNG, "image/png", "b.png")]},
                         headers=worker).json["photos"]
    left = client.post(task_url, json={"photos": [{"action": "remove", "id": photos[0]["id"]}]},
                       headers=worker).json["photos"]
    assert [photo["filename"] for photo in left] == ["b.png"]
    assert client.get(f"/api/v1/files/{photos[0]['id']}", headers=worker).status_code == 404
    assert client.get(f"/api/v1/files/{photos[1]['id']}", headers=worker).data == PNG
    assert len(_objects(bucket)) == 1


def test_an_unreachable_bucket_is_a_503_and_nothing_is_stored(app, client, parties, auth, monkeypatch,
                                                             bucket, unreachable, task_url):
    worker = auth(parties.worker)
    photo = client.post(task_url, json={"photos": [_add(PNG, "image/png")]}, headers=worker).json["photos"][0]
    _use(app, monkeypatch, unreachable)
    created = client.post("/api/v1/tasks", json={
        "foreigncompany_ref": parties.contractor_org.id, "title": "Boiler",
        "attachment": _add(PNG, "image/png")}, headers=auth(parties.client_admin))
    changed = client.patch(task_url, json={"title": "Renamed", "photos": [_add(b"other", "text/plain")]},
                           headers=worker)
    for refused in (created, changed, client.get(f"/api/v1/files/{photo['id']}", headers=worker),
                    client.get(f"{task_url}?include_binary_data=1", headers=worker)):
        assert refused.status_code == 503, refused.json
        assert refused.mimetype == "application/problem+json"
        assert refused.json["code"] == "file_store_unavailable"
    assert db.session.scalars(select(Task.title)).all() == ["Meter"]
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1


def test_the_store_follows_the_configuration(tmp_path, s3_endpoint):
    chosen = file_store.from_config({"FILE_STORAGE_URL": "s3://tiergate/uploads/",
                                     "S3_ENDPOINT_URL": s3_endpoint, "FILE_STORAGE_PATH": str(tmp_path)})
    assert (type(chosen), chosen.bucket, chosen.prefix) == (file_store.S3Store, "tiergate", "uploads")
    local = file_store.from_config({"FILE_STORAGE_URL": None, "S3_ENDPOINT_URL": None,
                                    "FILE_STORAGE_PATH": str(tmp_path)})
    assert isinstance(local, file_store.LocalStore) and local.root == tmp_path
    with pytest.raises(ValueError, match="s3://bucket"):
        file_store.from_config({"FILE_STORAGE_URL": "ftp://host/files", "S3_ENDPOINT_URL": None})
