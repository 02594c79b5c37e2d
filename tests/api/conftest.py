import json

import pytest

from api.services import token_issue
from tests.factories import opd


class Api:
    """A JSON client of the API: what an OPD system sends, through the whole stack (middleware included)."""

    def __init__(self, client, **headers):
        self.client = client
        self.headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}

    def call(self, method, url, body=None, **headers):
        extra = {**self.headers, **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}}
        if body is None:
            return getattr(self.client, method)(url, **extra)
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(url, data=data, content_type="application/json", **extra)

    def get(self, url, **headers):
        return self.call("get", url, **headers)

    def post(self, url, body=None, **headers):
        return self.call("post", url, {} if body is None else body, **headers)

    def patch(self, url, body=None, **headers):
        return self.call("patch", url, {} if body is None else body, **headers)


@pytest.fixture
def api_as(client, client_as):
    """`api_as("supervisor")`: the API through that cast member's signed-in session."""

    def make(role):
        return Api(client_as(role))

    return make


@pytest.fixture
def issue_token(db, cast):
    """`issue_token("Disnaker", "write")`: (token, secret) made as the admin screen makes them."""

    def make(short_name="Disnaker", scope="write", **fields):
        return token_issue(actor=cast["admin"], name=f"Sistem {short_name}", opd=opd(short_name), scope=scope, **fields)

    return make


@pytest.fixture
def api_token(client, issue_token):
    """`api_token("Disnaker")`: the API as that OPD's system, with a write token."""

    def make(short_name="Disnaker", scope="write"):
        _token, secret = issue_token(short_name, scope)
        return Api(client, Authorization=f"Bearer {secret}")

    return make
