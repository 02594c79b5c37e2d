"""Schemathesis fuzzes every operation of the API against its own OpenAPI schema, with the demo data, as an OPD
system with a write token: no answer may be a server error, and every answer must be one the schema documents
(status code, content type, body shape, headers). Bounded: a fixed number of examples per operation, no deadline.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Opd, User
from api.services import token_issue

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES_PER_OPERATION = 30


schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = WSGIHandler()


@pytest.fixture
def in_this_transaction(demo, db):
    """The app is called in this thread, inside the test's transaction: Django must not close the connection at
    the end of each request (the test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(in_this_transaction):
    admin = User.objects.get(username="admin")
    _token, secret = token_issue(actor=admin, name="Fuzz", opd=Opd.objects.get(short_name="Dinsos"), scope="write")
    return secret


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case, token):
    headers = {"Authorization": f"Bearer {token}", "Host": "localhost", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)
