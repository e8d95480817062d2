"""Light pages on weak wifi: compressed answers, and static files a browser keeps for a year.

- Pages, CSS, JavaScript, JSON, CSV, Atom and SVG go out compressed (Flask-Compress: zstd, Brotli or
  gzip, whichever the browser says it takes, with `Vary: Accept-Encoding`). Audio and uploaded pictures
  are compressed already and are left as they are.
- Pages (HTML) only when they are public: the same for everyone, with no secret in them. A page for
  a signed-in person holds secrets (the form's CSRF token, a private Listen link) beside words they
  typed, and compressing both together lets an attacker who can make their browser send requests
  guess the secret from the size of the answer (the BREACH attack). Those pages are small anyway.
- A static file's address carries a digest of its content (`/static/css/coprod.css?v=1a2b3c4d5e6f`):
  asked for with the current digest, it may be kept for a year ("immutable"); a new version has a
  new address. Without it (an old page, a hand-typed address) the browser checks it each time (ETag).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request
from flask_compress import Compress
from werkzeug.security import safe_join

ONE_YEAR = 31536000
COMPRESSED_TYPES = [
    "text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
    "application/json", "application/xml", "application/atom+xml", "image/svg+xml", "application/manifest+json",
]

compress = Compress()


def _may_compress(response: Response) -> bool:
    from coprod.audio.views import is_public_page

    return response.mimetype != "text/html" or is_public_page()


def init_compression(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    # Open data files are sent from disk or streamed from the database (coprod/follow/open_files.py):
    # compressed as they go, gzip too (Flask-Compress leaves it out of streams by default).
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "br", "gzip", "deflate"])
    app.config["COMPRESS_REGISTER"] = False  # registered below, to leave out private pages
    compress.init_app(app)

    @app.after_request
    def _compress(response: Response) -> Response:
        return compress.after_request(response) if _may_compress(response) else response
    digests: dict[str, str] = {}
    folder = app.static_folder or ""

    def digest(filename: str) -> str | None:
        if filename not in digests or app.debug:
            joined = safe_join(str(folder), filename)
            if joined is None or not Path(joined).is_file():
                return None
            digests[filename] = hashlib.sha256(Path(joined).read_bytes()).hexdigest()[:12]
        return digests[filename]

    @app.url_defaults
    def _static_digest(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            found = digest(values["filename"])
            if found:
                values["v"] = found

    @app.after_request
    def _static_cache(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code == 200:
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args.get("v") == digest(filename):
                response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"
        return response
