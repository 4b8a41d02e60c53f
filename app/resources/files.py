from flask import send_file

from app import file_store, tenancy
from app.blueprint import Blueprint
from app.models import StoredFile
from oauth.protector import require_scope

blp = Blueprint("files", __name__, url_prefix="/api/v1", description="The files of file fields")


@blp.route("/files/<id:file_id>", methods=["GET"])
@require_scope("tasks:read")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream",
              description="The file's bytes, with its own content type", headers={
                  "Content-Disposition": {"description": "Its file name",
                                          "schema": {"type": "string"}}})
def get_file(file_id):
    """Download a file

    The bytes of a task's or note's file, with the content type it was declared (and checked)
    as. Needs `tasks:read`; 404 when its task (or internal note) is not the caller's to see;
    503 when the file store (an S3-compatible bucket) cannot be reached.
    """
    stored = tenancy.get_or_404(StoredFile, file_id)
    response = send_file(file_store.store().open(stored.storage_key), mimetype=stored.mimetype,
                         download_name=stored.filename, etag=stored.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
