"""API tokens through the admin's screen: issued once and shown once, only a hash kept, last use shown, a
read-only token only reads, a revoked one is refused at once."""

import pytest
from django.urls import reverse

from api.models import ApiToken, digest
from audit.models import ChangeLog
from tests.api.conftest import Api
from tests.factories import opd
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


def _issue_on_the_page(client, *, name="SIAK Disdukcapil", opd_name="Disdukcapil", scope="write"):
    form = page_form(client.get(reverse("api:token_create")))
    form["name"] = name
    form["opd"] = str(opd(opd_name).pk)
    form["scope"] = scope
    return form.submit(client)


def _secret_in(response) -> str:
    html = response.content.decode()
    start = html.index('id="api-token">') + len('id="api-token">')
    return html[start : html.index("</code>", start)]


def test_token_lifecycle(client_as, client):
    admin = client_as("admin")
    response = _issue_on_the_page(admin)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = _secret_in(response)
    assert secret.startswith("pkr_") and len(secret) > 40
    token = ApiToken.objects.get()
    # Only the hash is kept, and the list never shows the secret again.
    assert token.key_digest == digest(secret) and secret not in str(ApiToken.objects.values().get())
    listing = admin.get(reverse("api:token_list")).content.decode()
    assert secret not in listing and token.prefix in listing and "belum pernah" in listing
    assert ChangeLog.objects.filter(object_id=token.pk, content_type__model="apitoken").exists()

    admin.logout()
    api = Api(client, Authorization=f"Bearer {secret}")
    assert api.get(reverse("api:household-list")).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    # It acts as its OPD's integration account: the rules of a caseworker of Disdukcapil.
    assert token.account.opd == opd("Disdukcapil") and not token.account.has_usable_password()

    admin = client_as("admin")
    revoke = page_form(admin.get(reverse("api:token_list")), containing=None)
    assert revoke.submit(admin).status_code == 302
    admin.logout()
    refused = api.get(reverse("api:household-list"))
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Token tidak dikenal atau sudah dicabut."
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.account.is_active


def test_a_read_token_only_reads(api_token):
    api = api_token("Disnaker", scope="read")
    assert api.get(reverse("api:visit-list")).status_code == 200
    refused = api.post(reverse("api:visit-list"), {})
    assert refused.status_code == 403
    assert "hanya untuk membaca" in refused.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer pkr_notatoken", "Bearer pkr_\u00e9", "Token abc"],
)
def test_a_bad_token_is_refused(client, header):
    response = Api(client, Authorization=header).get(reverse("api:household-list"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_token_of_a_deactivated_opd_is_refused(api_token):
    api = api_token("Disnaker")
    opd("Disnaker").__class__.objects.filter(short_name="Disnaker").update(is_active=False)
    assert api.get(reverse("api:household-list")).status_code == 403


def test_an_empty_token_form_keeps_what_was_typed(client_as):
    admin = client_as("admin")
    form = page_form(admin.get(reverse("api:token_create")))
    form["name"] = "Dapodik"
    response = form.submit(admin)
    assert response.status_code == 200
    assert 'value="Dapodik"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_whose_account_was_given_another_role_stops_working(api_token, issue_token, client):
    token, secret = issue_token("Disnaker")
    api = Api(client, Authorization=f"Bearer {secret}")
    assert api.get(reverse("api:opd-list")).status_code == 200
    token.account.role = "supervisor"
    token.account.save()
    assert api.get(reverse("api:opd-list")).status_code == 401
