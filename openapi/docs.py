"""GET /docs: Swagger UI served from the swagger-ui-bundle package, so it works offline;
its favicon at /favicon.ico, and the licence note the document's `info.license` links to."""
from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

docs = Blueprint("docs", __name__)

LICENCE_URL = "/docs/licence"
LICENCE = """Tiergate API

No licence has been granted for this software or its API: all rights are reserved by its
owner. Ask the maintainers of this deployment for the terms of use.
"""

# The Authorize button offers what the API takes (oauth2). The HTTP Basic scheme, which only
# the /oauth endpoints take, stays in the document and in those operations' lock buttons.
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tiergate API</title>
  <link rel="icon" type="image/png" sizes="32x32" href="/favicon.ico">
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
  <style>
    /* the scopes two by two: each resource's read and write on one row */
    .swagger-ui .auth-container .scopes { display: grid; grid-template-columns: 1fr 1fr;
                                          column-gap: 1em; }
    .swagger-ui .auth-container .scopes h2 { grid-column: 1 / -1; }
  </style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script>
    const API_SCHEMES_ONLY = (system) => ({
      wrapComponents: {
        authorizeBtn: (Original, { React }) => (props) => React.createElement(Original, {
          ...props,
          onClick: () => system.authActions.showDefinitions(
            system.authSelectors.definitionsToAuthorize().filter(
              (definition) => !definition.has("clientBasic"))),
        }),
      },
    });
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      displayRequestDuration: true,
      tryItOutEnabled: true,
      plugins: [API_SCHEMES_ONLY],
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


@docs.get("/favicon.ico")
def favicon():
    """Swagger UI's own icon (a PNG: browsers take any image type at this address)."""
    return send_from_directory(swagger_ui_path, "favicon-32x32.png", mimetype="image/png",
                               max_age=7 * 24 * 3600)


@docs.get(LICENCE_URL)
def licence():
    return LICENCE, 200, {"Content-Type": "text/plain; charset=utf-8",
                          "Cache-Control": "public, max-age=3600"}
