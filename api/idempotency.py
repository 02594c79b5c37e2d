"""`Idempotency-Key` on writes: the first answer is kept; a repeat of the same request gets it again and changes
nothing; the same key on a different request is refused (422).

The key is claimed in the request's own transaction (ATOMIC_REQUESTS), before the write: a concurrent repeat
waits on the unique index until the first commits, then replays its answer. A write that is refused rolls back
its claim too, so the caller may correct it and send it again under the same key.
"""

import hashlib
import json
import re
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import IdempotencyRecord
from api.problems import IdempotencyKeyReused

HEADER = "Idempotency-Key"
KEY = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, as a UUID or any client's own scheme
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
KEPT_HEADERS = ("ETag", "Location")


class Replay(Exception):  # noqa: N818 - control flow: the answer is already known
    def __init__(self, response: Response) -> None:
        super().__init__("replay")
        self.response = response


def fingerprint(request: Request) -> str:
    body = request._request.body  # read once here; the parser reads the same bytes again
    version = request.headers.get("If-Match", "").encode()  # the same change from another version is another request
    parts = [request.method.encode(), request.get_full_path().encode(), version, body]
    return hashlib.sha256(b"\n".join(parts)).hexdigest()


def claim(request: Request) -> IdempotencyRecord | None:
    """Claim the request's key, or raise Replay with the first answer. None when the request carries no key."""
    key = request.headers.get(HEADER)
    if request.method not in WRITES or key is None:
        return None
    if not KEY.fullmatch(key):
        raise exceptions.ValidationError(
            {HEADER: [_("Idempotency-Key harus 1–200 karakter ASCII yang terlihat, mis. sebuah UUID.")]}
        )
    print_ = fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(account=request.user, key=key, fingerprint=print_)
    except IntegrityError:
        first = IdempotencyRecord.objects.get(account=request.user, key=key)
    if first.fingerprint != print_ or first.status_code is None:
        raise IdempotencyKeyReused
    response = Response(first.body, status=first.status_code, headers=first.headers)
    response["Idempotent-Replayed"] = "true"
    raise Replay(response)


def keep(record: IdempotencyRecord, response: Response) -> None:
    """Keep a successful answer with its claim; a refusal rolls the claim back with the rest of the request."""
    if not 200 <= response.status_code < 300:
        if not transaction.get_rollback():  # a refusal by exception rolls the claim back with the request
            record.delete()  # one answered without an exception keeps no claim either
        return
    record.status_code = response.status_code
    record.body = _json(response.data)
    record.headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    record.save(update_fields=["status_code", "body", "headers"])


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
