"""A new OPD without programmes: its caseworker is told why nothing can be recorded, the admin sees it too."""

import pytest
from django.urls import reverse

from accounts.models import Opd
from core.roles import Role
from tests.factories import PersonFactory, UserFactory
from tests.pageforms import links, page_form

pytestmark = pytest.mark.django_db

NOTICE = "OPD Anda belum punya program; minta admin menambahkannya"


@pytest.fixture
def dinkes(db):
    return Opd.objects.create(name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def nakes(client, dinkes):
    client.force_login(UserFactory(username="nakes", opd=dinkes, role=Role.CASEWORKER))
    return client


def test_the_caseworker_of_an_opd_without_programmes_is_told_why_on_every_recording_screen(nakes):
    person = PersonFactory()
    case = nakes.get(reverse("cases:detail", args=[person.household_id]))
    assert NOTICE in case.text
    assert reverse("interventions:create", args=[person.household_id]) not in links(case.text)
    work = nakes.get(reverse("cases:my_work"))
    assert NOTICE in work.text
    assert reverse("interventions:bulk") not in links(work.text)
    assert NOTICE in nakes.get(reverse("interventions:list")).text
    for url in (
        reverse("interventions:create", args=[person.household_id]),
        reverse("interventions:create_delivered", args=[person.household_id]),
        reverse("interventions:bulk"),
    ):
        refused = nakes.get(url)
        assert refused.status_code == 403
        assert NOTICE in refused.text


def test_a_caseworker_with_programmes_sees_no_such_notice(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    assert NOTICE not in client.get(reverse("cases:detail", args=[person.household_id])).text
    assert NOTICE not in client.get(reverse("cases:my_work")).text


def test_the_admin_sees_which_opd_has_no_programme_and_adds_one_from_there(client_as, dinkes):
    client = client_as("admin")
    add_for_dinkes = f"{reverse('interventions:program_create')}?opd={dinkes.pk}"
    listing = client.get(reverse("accounts:opd_list"))
    assert "belum ada program" in listing.text
    assert add_for_dinkes in links(listing.text)
    dinsos = Opd.objects.get(short_name="Dinsos")  # has programmes: no badge
    assert f"{reverse('interventions:program_create')}?opd={dinsos.pk}" not in links(listing.text)
    detail = client.get(reverse("accounts:opd_edit", args=[dinkes.pk]))
    assert "belum punya program aktif" in detail.text
    assert add_for_dinkes in links(detail.text)
    form = page_form(client.get(add_for_dinkes))
    assert form["opd"] == str(dinkes.pk)  # the OPD is already chosen
    form["name"] = "Pemeriksaan kesehatan gratis"
    form["strategy"] = "reduce_burden"
    form["funding_source"] = "apbd_kota"
    assert form.submit(client).status_code == 302
    assert add_for_dinkes not in links(client.get(reverse("accounts:opd_list")).text)
