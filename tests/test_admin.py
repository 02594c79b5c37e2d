"""Django admin (for superusers) opens every model's list, search and form."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Opd
from dashboard import derived, tallies
from dashboard.models import Tally
from households.models import Kecamatan, Kelurahan
from interventions.models import Program
from tests.factories import HouseholdFactory, InterventionFactory, PersonFactory, UserFactory, VisitFactory, kelurahan
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, role="admin"))
    InterventionFactory()
    VisitFactory()
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_changelist_search_and_add_form_opens(superuser_client, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert superuser_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    # Case models move a typed-in search to the session first (search words stay out of URLs).
    searched = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "Budi"}, follow=True)
    assert searched.status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(type("R", (), {"user": UserFactory(is_superuser=True, is_staff=True)})()):
        assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200


def test_caseworker_cannot_open_django_admin(client, dinsos_caseworker):
    client.force_login(dinsos_caseworker)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_a_household_moved_in_django_admin_moves_on_the_dashboard(superuser_client):
    household = PersonFactory().household
    url = reverse("admin:households_household_change", args=[household.pk])
    form = page_form(superuser_client.get(url))  # the admin's change form as rendered, inlines and all
    form.force("kelurahan", kelurahan("Kalampangan").pk)  # picked in the autocomplete, which fetches its options
    response = form.submit(superuser_client, button="_save")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert derived.check().ok
    moved = Tally.objects.get(measure=tallies.Measure.EP_HOUSEHOLDS, kelurahan=kelurahan("Kalampangan"))
    assert moved.n == 1


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("accounts_user", lambda: UserFactory()),
        ("accounts_opd", lambda: Opd.objects.first()),
        ("households_kelurahan", lambda: Kelurahan.objects.first()),
        ("households_kecamatan", lambda: Kecamatan.objects.first()),
        ("interventions_program", lambda: Program.objects.first()),
    ],
)
def test_reference_data_is_never_deleted_in_django_admin(superuser_client, name, record):
    """Case rows and the history point to it: it is deactivated or corrected instead (the delete page also
    listed every referring row: 5 s for one user at 100k persons)."""
    obj = record()
    assert superuser_client.get(reverse(f"admin:{name}_delete", args=[obj.pk])).status_code == 403
    assert superuser_client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    changelist = superuser_client.get(reverse(f"admin:{name}_changelist"))
    assert 'value="delete_selected"' not in changelist.content.decode()


def test_big_changelists_count_once_and_sort_only_by_indexed_columns(superuser_client):
    HouseholdFactory()
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(reverse("admin:households_household_changelist") + "?o=4")  # by rt
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert len([q for q in sql if "COUNT(" in q.upper() and "households_household" in q]) == 1
    assert not any('ORDER BY "households_household"."rt"' in q for q in sql)
    with CaptureQueriesContext(connection) as queries:
        superuser_client.get(reverse("admin:households_household_changelist") + "?o=6")  # by status: indexed
    assert any('ORDER BY "households_household"."status"' in query["sql"] for query in queries.captured_queries)


def test_a_changelist_sorts_by_one_column_at_a_time(superuser_client):
    """Clicking a second header adds it to Django's sort (`?o=6.-7`), an order no index serves: only the first
    applies, and the headers say so."""
    InterventionFactory()
    url = reverse("admin:interventions_intervention_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(url + "?o=6.-7")  # planned, then delivered newest first (0: the tick box)
    assert response.status_code == 200
    listed = [q["sql"] for q in queries.captured_queries if 'FROM "interventions_intervention"' in q["sql"]]
    listed = [sql for sql in listed if "ORDER BY" in sql]
    assert listed and all('ORDER BY "interventions_intervention"."planned_on" ASC' in sql for sql in listed)
    assert not any('"delivered_on" DESC' in sql for sql in listed)
    assert response.context["cl"].get_ordering_field_columns() == {6: "asc"}
