"""A password hash never reaches the change log, its viewer or its CSV — not for accounts created now, and
not for those logged before the rule (a data migration hides them)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import User
from audit.models import ChangeLog
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


def test_an_account_created_in_the_app_logs_that_it_has_a_password_but_not_its_hash(client_as, cast):
    client = client_as("admin")
    form = page_form(client.get(reverse("accounts:user_create")))
    form["username"] = "dinkes1"
    form["first_name"] = "Rina"
    form["password"] = "kata-sandi-sementara-1"
    form["opd"] = str(cast["dinsos_caseworker"].opd_id)
    assert form.submit(client).status_code == 302
    account = User.objects.get(username="dinkes1")
    entry = ChangeLog.objects.get(content_type=ContentType.objects.get_for_model(User), object_id=account.pk)
    assert entry.changes["password"] == [None, "••••••"]
    assert account.password.startswith("pbkdf2") or "$" in account.password  # a real hash is stored
    page = client_as("supervisor").get(reverse("audit:changes"))
    exported = client_as("supervisor").get(reverse("audit:changes") + "?format=csv")
    for text in (page.text, b"".join(exported.streaming_content).decode()):
        assert account.password not in text
        assert account.password.split("$")[-1] not in text


def test_the_migration_hides_a_hash_logged_before(cast):
    account = cast["dinsos_caseworker"]
    logged = ChangeLog.objects.create(
        actor=cast["admin"],
        content_type=ContentType.objects.get_for_model(User),
        object_id=account.pk,
        action=ChangeLog.Action.CREATE,
        changes={"password": [None, account.password], "username": [None, account.username]},
    )
    before = ChangeLog.objects.create(
        actor=cast["admin"],
        content_type=ContentType.objects.get_for_model(User),
        object_id=account.pk,
        action=ChangeLog.Action.UPDATE,
        changes={"password": ["pbkdf2_sha256$1$a$old", "pbkdf2_sha256$1$b$new"]},
    )
    migration = importlib.import_module("audit.migrations.0003_hide_logged_password_hashes")
    migration.hide(apps, None)
    logged.refresh_from_db()
    before.refresh_from_db()
    assert logged.changes == {"password": [None, "••••••"], "username": [None, account.username]}
    assert before.changes == {"password": ["••••••", "••••••"]}


def test_logged_dates_times_and_tick_boxes_read_as_the_app_writes_them(cast):
    from core.templatetags.core_tags import change_rows
    from households.models import Household, Person

    entry = ChangeLog(
        content_type=ContentType.objects.get_for_model(Household),
        object_id=1,
        action=ChangeLog.Action.UPDATE,
        changes={
            "archived_at": [None, "2026-11-29T10:04:59.087907+00:00"],
            "expenditure_measured_on": ["2025-02-03", "2026-11-28"],
        },
    )
    assert [(str(label), old, new) for label, old, new in change_rows(entry)] == [
        ("diarsipkan", None, "29/11/2026 17:04"),  # Jakarta time
        ("tanggal pengukuran pengeluaran", "03/02/2025", "28/11/2026"),
    ]
    ticked = ChangeLog(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=1,
        action=ChangeLog.Action.UPDATE,
        changes={"is_extreme_poor": [True, False]},
    )
    assert [(str(old), str(new)) for _label, old, new in change_rows(ticked)] == [("Ya", "Tidak")]
