"""The bulk page records its recipients in chunks, each chunk one whole transaction that writes the dashboard
tallies only at its end: other writers on the same kelurahan and OPD wait for one chunk's tally update at
most, never for the whole list. A chunk that fails is rolled back whole; the page says who is recorded and
who is not."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from dashboard import derived
from dashboard.models import Tally
from interventions import services
from interventions.models import Intervention, Program
from tests import oracle
from tests.factories import HouseholdFactory, PersonFactory, kelurahan
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

CHUNK = services.BULK_CHUNK


class Transactions:
    """The SQL the code under test runs, grouped by its outermost transaction (the test's own wrapping
    transaction left out): what each commit holds, in order."""

    def __init__(self) -> None:
        self.blocks: list = []
        self.statements: list[list[str]] = []

    def __call__(self, execute, sql, params, many, context):
        block = next((b for b in connection.atomic_blocks if not b._from_testcase), None)
        if block is not None:
            index = next((i for i, known in enumerate(self.blocks) if known is block), None)
            if index is None:
                self.blocks.append(block)
                self.statements.append([])
                index = len(self.blocks) - 1
            self.statements[index].append(sql)
        return execute(sql, params, many, context)

    def writing_interventions(self) -> list[list[str]]:
        table = Intervention._meta.db_table
        return [sqls for sqls in self.statements if any(s.startswith(f'INSERT INTO "{table}"') for s in sqls)]


def is_intervention_insert(sql: str) -> bool:
    return sql.startswith(f'INSERT INTO "{Intervention._meta.db_table}"')


def is_tally_write(sql: str) -> bool:
    return sql.startswith(f"INSERT INTO {Tally._meta.db_table}")


@pytest.fixture
def recipients():
    """Persons in one kelurahan, in the order the bulk record takes them (by household)."""
    place = kelurahan("Kameloh Baru")
    people = [PersonFactory(household=HouseholdFactory(kelurahan=place)) for _ in range(CHUNK + 5)]
    return sorted(people, key=lambda person: (person.household_id, person.pk))


def bulk_form(client, recipients):
    url = f"{reverse('interventions:bulk')}?kelurahan={kelurahan('Kameloh Baru').pk}"
    form = page_form(client.get(url))
    form["program"] = Program.objects.get(name="Pelatihan kerja").pk
    form["planned_on"] = timezone.localdate().isoformat()
    form["persons"] = [person.pk for person in recipients]
    return form


def assert_derived_numbers_agree() -> None:
    assert oracle.differences() == []
    assert derived.check().ok


def test_the_bulk_commits_each_chunk_whole_and_writes_its_tallies_last(client_as, recipients):
    client = client_as("disnaker_caseworker")
    form = bulk_form(client, recipients)
    transactions = Transactions()
    with connection.execute_wrapper(transactions):
        response = form.submit(client, follow=True)
    assert f"{len(recipients)} intervensi Pelatihan kerja dicatat." in response.text
    chunks = transactions.writing_interventions()
    assert [sum(map(is_intervention_insert, sqls)) for sqls in chunks] == [CHUNK, 5]
    for sqls in chunks:
        first_tally_write = next(i for i, sql in enumerate(sqls) if is_tally_write(sql))
        last_insert = max(i for i, sql in enumerate(sqls) if is_intervention_insert(sql))
        assert last_insert < first_tally_write  # the tally rows are locked only for the end of the chunk
    assert Intervention.objects.filter(person__in=recipients).count() == len(recipients)
    assert_derived_numbers_agree()


def test_a_failed_later_chunk_keeps_the_recorded_and_offers_the_rest_again(client_as, recipients, monkeypatch):
    client = client_as("disnaker_caseworker")
    form = bulk_form(client, recipients)
    late = recipients[CHUNK + 2]
    real_ensure_open = services.ensure_open

    def deadlock_once(*household_ids):
        if late.household_id in household_ids:
            monkeypatch.setattr(services, "ensure_open", real_ensure_open)
            raise OperationalError("deadlock detected")
        real_ensure_open(*household_ids)

    monkeypatch.setattr(services, "ensure_open", deadlock_once)
    response = form.submit(client)
    assert response.status_code == 200
    recorded = set(Intervention.objects.values_list("person_id", flat=True))
    assert recorded == {person.pk for person in recipients[:CHUNK]}  # the failed chunk left nothing behind
    assert f"{CHUNK} intervensi tercatat; 5 penerima lainnya belum." in response.text
    assert "Penyimpanan gagal karena gangguan pada basis data" in response.text
    for person in recipients[CHUNK:]:
        assert person.full_name in response.text
    assert_derived_numbers_agree()

    again = page_form(response)
    assert set(again["persons"]) == {str(person.pk) for person in recipients[CHUNK:]}  # the rest, ticked
    assert again["program"] == str(Program.objects.get(name="Pelatihan kerja").pk)
    response = again.submit(client, follow=True)
    assert "5 intervensi Pelatihan kerja dicatat." in response.text
    assert sorted(Intervention.objects.values_list("person_id", flat=True)) == sorted(p.pk for p in recipients)
    assert_derived_numbers_agree()


def test_a_refusal_in_the_first_chunk_records_nothing_and_the_same_form_can_be_sent_again(
    client_as, recipients, monkeypatch
):
    client = client_as("disnaker_caseworker")
    form = bulk_form(client, recipients)
    refused = recipients[3]
    real_ensure_open = services.ensure_open

    def refuse(*household_ids):
        if refused.household_id in household_ids:
            raise DomainError("Rumah tangga ini sedang dikunci untuk uji.")
        real_ensure_open(*household_ids)

    monkeypatch.setattr(services, "ensure_open", refuse)
    response = form.submit(client)
    assert response.status_code == 200
    assert "Rumah tangga ini sedang dikunci untuk uji." in response.text
    assert not Intervention.objects.exists()
    monkeypatch.setattr(services, "ensure_open", real_ensure_open)
    response = form.submit(client, follow=True)  # the same form: its token was not used up
    assert f"{len(recipients)} intervensi Pelatihan kerja dicatat." in response.text
    assert_derived_numbers_agree()
