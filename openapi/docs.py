"""GET /docs: Swagger UI served from the swagger-ui-bundle package, so it works offline."""
from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

docs = Blueprint("docs", __name__)

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tiergate API</title>
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      displayRequestDuration: true,
      tryItOutEnabled: true,
    });
  </script>
</body>
</html>
"""


@docs.get("/docs")
def page():
    return PAGE, 200, {"Content-Type": "text/html; charset=utf-8",
                       "Content-Security-Policy": "default-src 'self'; script-src 'self' "
                       "'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"}


@docs.get("/docs/static/<path:filename>")
def asset(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=3600)
