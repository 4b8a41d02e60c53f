"""File fields in base64: valid PNG and PDF, a wrong mimetype, bad base64, oversized,
remove, include_binary_data on and off, and the bytes at /files/{id}."""
import base64
import hashlib

import pytest

from app.extensions import db
from tests.resources.field_service import connect

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(40))
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _add(data: bytes, mimetype: str, filename: str = "file") -> dict:
    return {"action": "add", "filename": filename, "mimetype": mimetype,
            "binary": base64.b64encode(data).decode()}


@pytest.fixture
def task(client, parties, auth):
    connect(parties.client_org, parties.contractor_org)
    db.session.commit()
    response = client.post("/api/v1/tasks", json={
        "foreigncompany_ref": parties.contractor_org.id, "title": "Meter",
        "photos": [_add(PNG, "image/png", "meter.png")],
        "attachment": _add(PDF, "application/pdf", "order.pdf")}, headers=auth(parties.client_admin))
    assert response.status_code == 201, response.json
    return response.json


def test_files_are_described_stored_and_served(client, parties, auth, task):
    [photo], attachment = task["photos"], task["attachment"]
    assert photo == {"id": photo["id"], "filename": "meter.png", "mimetype": "image/png",
                     "size": len(PNG)}
    assert (attachment["filename"], attachment["size"]) == ("order.pdf", len(PDF))
    worker = auth(parties.worker)
    plain = client.get(f"/api/v1/tasks/{task['id']}", headers=worker).json
    assert "binary" not in plain["photos"][0] and "binary" not in plain["attachment"]
    full = client.get(f"/api/v1/tasks/{task['id']}?include_binary_data=1", headers=worker).json
    assert base64.b64decode(full["photos"][0]["binary"]) == PNG
    assert base64.b64decode(full["attachment"]["binary"]) == PDF
    listed = client.get("/api/v1/tasks?include_binary_data=1", headers=worker)
    assert listed.status_code == 422 and list(listed.json["errors"]) == ["include_binary_data"]
    served = client.get(f"/api/v1/files/{attachment['id']}", headers=worker)
    assert served.status_code == 200 and served.data == PDF
    assert served.mimetype == "application/pdf"
    assert served.headers["ETag"].strip('"') == hashlib.sha256(PDF).hexdigest()
    assert client.get(f"/api/v1/files/{attachment['id']}",
                      headers=auth(parties.third_admin)).status_code == 404


@pytest.mark.parametrize("upload,errors", [
    (_add(PNG, "application/pdf"),
     {"attachment.mimetype": "The file's content is image/png, not what is declared."}),
    (_add(b"plain words", "image/png"),
     {"attachment.mimetype": "The file's content is not image/png, not what is declared."}),
    (_add(PDF, "text/html"), {"attachment.mimetype": "Must be one of: image/png, image/jpeg, "
                              "image/gif, image/webp, application/pdf, text/plain, "
                              "application/octet-stream."}),
    ({**_add(PDF, "application/pdf"), "binary": "JVBERi0x*LjQ="}, {"attachment.binary": "Not valid base64."}),
    ({**_add(PDF, "application/pdf"), "binary": "JVBERi0xLjQ"}, {"attachment.binary": "Not valid base64."}),
    ({"action": "add", "filename": "a.pdf"}, {"attachment.mimetype": "Missing data for required field.",
                                              "attachment.binary": "Missing data for required field."}),
    ({"action": "replace"}, {"attachment.action": "Must be one of: add, remove."}),
    (_add(PDF, "application/pdf", "a\nb.pdf"),
     {"attachment.filename": "A file name of 1 to 255 printable characters, without slashes."}),
])
def test_invalid_files_are_a_422_naming_the_field(client, parties, auth, task, upload, errors):
    response = client.patch(f"/api/v1/tasks/{task['id']}", json={"attachment": upload},
                            headers=auth(parties.worker))
    assert response.status_code == 422, response.json
    assert response.json["errors"] == errors


def test_a_file_over_the_limit_is_refused(app, client, parties, auth, task):
    app.config["FILE_MAX_BYTES"] = len(PDF) - 1
    response = client.patch(f"/api/v1/tasks/{task['id']}",
                            json={"attachment": _add(PDF, "application/pdf")}, headers=auth(parties.worker))
    assert response.status_code == 422
    assert response.json["errors"] == {"attachment.binary": f"The file is larger than {len(PDF) - 1} bytes."}


def test_the_body_limit_of_file_requests_allows_for_base64(app, client, parties, auth, task):
    app.config["MAX_CONTENT_LENGTH"] = 1000  # other requests stay small
    big = PDF + b" " * 3000
    response = client.patch(f"/api/v1/tasks/{task['id']}",
                            json={"attachment": _add(big, "application/pdf")}, headers=auth(parties.worker))
    assert response.status_code == 200 and response.json["attachment"]["size"] == len(big)
    app.config["FILE_REQUEST_MAX_LENGTH"] = 2000
    too_big = client.patch(f"/api/v1/tasks/{task['id']}",
                           json={"attachment": _add(big, "application/pdf")}, headers=auth(parties.worker))
    assert too_big.status_code == 413


def test_add_replace_and_remove(client, parties, auth, task):
    url, worker = f"/api/v1/tasks/{task['id']}", auth(parties.worker)
    more = client.post(url, json={"photos": [_add(PNG, "image/png", "second.png")]}, headers=worker).json
    assert [p["filename"] for p in more["photos"]] == ["meter.png", "second.png"]
    one_gone = client.post(url, json={"photos": [{"action": "remove", "id": more["photos"][0]["id"]}]},
                           headers=worker).json
    assert [p["filename"] for p in one_gone["photos"]] == ["second.png"]
    unknown = client.post(url, json={"photos": [{"action": "remove", "id": 999}]}, headers=worker)
    assert unknown.status_code == 422 and list(unknown.json["errors"]) == ["photos"]
    replaced = client.post(url, json={"attachment": _add(PNG, "image/png", "scan.png")}, headers=worker).json
    assert replaced["attachment"]["filename"] == "scan.png"
    removed = client.post(url, json={"attachment": {"action": "remove"}, "photos": [{"action": "remove"}]},
                          headers=worker).json
    assert (removed["attachment"], removed["photos"]) == (None, [])
    assert client.get(f"/api/v1/files/{task['attachment']['id']}", headers=worker).status_code == 404


def test_files_of_an_internal_note_stay_with_its_side(client, parties, auth, task):
    note = client.post(f"/api/v1/tasks/{task['id']}/notes", json={
        "text": "Photo of the cellar", "internal": True, "photos": [_add(PNG, "image/png")]},
        headers=auth(parties.contractor_admin))
    assert note.status_code == 201, note.json
    file_id = note.json["photos"][0]["id"]
    assert client.get(f"/api/v1/files/{file_id}", headers=auth(parties.worker)).data == PNG
    assert client.get(f"/api/v1/files/{file_id}", headers=auth(parties.client_admin)).status_code == 404
