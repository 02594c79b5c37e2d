import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

# The app shell the service worker stores for the field page: its stylesheets, scripts and icons. The page itself
# (cases:offline) is stored on install and refreshed whenever it is opened with signal.
SHELL_STATIC = [
    "vendor/bootstrap-5.3.9/bootstrap.min.css",
    "css/app.css",
    "css/offline.css",
    "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
    "js/app.js",
    "js/offline-store.js",
    "js/offline.js",
    "favicon.svg",
    "icons/icon-192.png",
]
SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "sw.js"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with an expired security token (its page was opened before signing out, or before signing
    in again, in another tab): say that in plain words, that nothing was saved, and what to do. Never the
    technical reason."""
    return render(request, "csrf_failure.html", status=403)


def _shell_files() -> tuple[tuple[str, int, int], ...]:
    """The service worker's source and the shell's files, each with its modification time and size."""
    paths = [str(SERVICE_WORKER)] + [found for name in SHELL_STATIC if isinstance(found := finders.find(name), str)]
    return tuple((path, (stat := Path(path).stat()).st_mtime_ns, stat.st_size) for path in paths)


@cache
def _fingerprint(files: tuple[tuple[str, int, int], ...]) -> str:
    """The shell's contents, hashed: a changed file is a new service worker, which stores the new shell. (In
    production the static names carry their own hashes; this also covers `make run`'s unhashed names.) Keyed by
    the files' times and sizes, so each version is read once."""
    digest = hashlib.sha256()
    for path, _mtime, _size in files:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


# No transaction: the browser asks for it alongside other requests (an update check after each navigation), and
# it reads nothing from the database.
@transaction.non_atomic_requests
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js at the site's root (a service worker controls only the pages under its own address),
    with the addresses of the shell it stores above it. Public: it carries no data, and the browser checks it for
    updates whether or not anyone is signed in."""
    shell = {
        "version": _fingerprint(_shell_files()),
        "page": reverse("cases:offline"),
        "assets": [static(name) for name in SHELL_STATIC],
    }
    body = f"self.OFFLINE_SHELL = {json.dumps(shell)};\n{SERVICE_WORKER.read_text(encoding='utf-8')}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
