"""National rankings as dated history (issue 15, item 1): every list's desil is kept with its source and date; the
household shows the latest by the list's date, whichever path wrote the rankings."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from audit.casework import case_scope
from audit.models import ChangeLog
from core.errors import DomainError
from dashboard import derived
from households.models import Household, Ranking
from households.rankings import ranking_record
from imports.models import ImportBatch
from tests.factories import HouseholdFactory
from tests.imports.helpers import row, spouse, upload, xlsx

pytestmark = pytest.mark.django_db

P3KE_2024 = datetime.date(2024, 1, 15)
DTSEN_OCT = datetime.date(2025, 10, 1)
DTSEN_JAN = datetime.date(2026, 1, 1)


def latest(household: Household) -> tuple:
    household.refresh_from_db()
    return household.desil, household.desil_source, household.desil_as_of


def test_the_household_shows_the_list_with_the_latest_date_not_the_latest_recorded(supervisor):
    household = HouseholdFactory(desil=None)
    ranking_record(household=household, source="dtsen", as_of=DTSEN_OCT, desil=3, actor=supervisor)
    assert latest(household) == (3, "dtsen", DTSEN_OCT)
    ranking_record(household=household, source="p3ke", as_of=P3KE_2024, desil=1, actor=supervisor)  # an older list
    assert latest(household) == (3, "dtsen", DTSEN_OCT)
    ranking_record(household=household, source="dtsen", as_of=DTSEN_JAN, desil=2, actor=supervisor)
    assert latest(household) == (2, "dtsen", DTSEN_JAN)
    assert list(household.rankings.values_list("source", "as_of", "desil")) == [
        ("dtsen", DTSEN_JAN, 2),
        ("dtsen", DTSEN_OCT, 3),
        ("p3ke", P3KE_2024, 1),
    ]


def test_the_same_list_again_corrects_its_desil_and_says_so_in_the_history(supervisor):
    household = HouseholdFactory(desil=None)
    first = ranking_record(household=household, source="dtsen", as_of=DTSEN_OCT, desil=3, actor=supervisor)
    again = ranking_record(household=household, source="dtsen", as_of=DTSEN_OCT, desil=1, actor=supervisor)
    assert again.pk == first.pk and Ranking.objects.count() == 1
    assert latest(household)[0] == 1
    entry = ChangeLog.objects.for_object(again).latest("id")
    assert entry.action == "update" and entry.changes["desil"] == ["Desil 3", "Desil 1"] and entry.actor == supervisor


def test_a_p3ke_list_gives_only_desil_1_to_4(supervisor):
    household = HouseholdFactory(desil=None)
    with pytest.raises(DomainError, match="Desil P3KE harus 1 sampai 4"):
        ranking_record(household=household, source="p3ke", as_of=P3KE_2024, desil=7, actor=supervisor)
    assert not Ranking.objects.exists() and latest(household) == (None, "", None)
    ranking_record(household=household, source="dtsen", as_of=DTSEN_OCT, desil=7, actor=supervisor)
    assert latest(household)[0] == 7


def test_a_ranking_written_by_any_path_moves_the_household_and_the_check_recounts_it(supervisor):
    household = HouseholdFactory(desil=2)
    with case_scope():  # as Django admin or a data fix would: a row written without the service
        Ranking.objects.create(household=household, source="dtsen", as_of=DTSEN_JAN, desil=1)
    assert latest(household) == (1, "dtsen", DTSEN_JAN)
    assert derived.check().ok
    Household._base_manager.filter(pk=household.pk).update(desil=4)  # a stored desil no ranking gives
    report = derived.check()
    assert not report.ok and (household.pk, "desil", 4, 1) in report.summaries
    with case_scope():
        Ranking.objects.filter(household=household, as_of=DTSEN_JAN).delete()
    assert latest(household) == (2, "p3ke", P3KE_2024)


def test_an_import_keeps_each_list_as_a_dated_ranking(client_as, supervisor):
    client = client_as("supervisor")
    upload(client, xlsx([row(desil="2"), spouse(desil="2")]), list_kind="p3ke", as_of="15/01/2024")
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    family = Household.objects.get(p3ke_id="P3KE-T-001")
    assert latest(family) == (2, "p3ke", P3KE_2024)
    # The October DTSEN list ranks the family in desil 1; the P3KE ranking stays in its history.
    upload(client, xlsx([row(desil="1"), spouse(desil="1")]), "dtsen.xlsx", list_kind="dtsen", as_of="01/10/2025")
    batch = ImportBatch.objects.latest("id")
    assert (batch.list_kind, batch.as_of, batch.summary["ranked"]) == ("dtsen", DTSEN_OCT, 1)
    assert batch.summary["households"]["unchanged"] == 1  # a new desil is not a change of the family's own data
    assert (batch.summary["desil_changed"], batch.summary["rankings_corrected"]) == (1, 0)
    preview = client.get(reverse("imports:detail", args=[batch.pk]))
    shown = preview.context["desil_changes"]
    assert [(c["id"], c["from"], str(c["from_list"]), c["from_as_of"], c["to"]) for c in shown] == [
        (family.pk, 2, "P3KE", P3KE_2024, 1)
    ]
    assert "1 keluarga mendapat desil baru dari daftar ini." in preview.text
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert latest(family) == (1, "dtsen", DTSEN_OCT)
    assert list(family.rankings.values_list("source", "desil")) == [("dtsen", 1), ("p3ke", 2)]
    assert set(ChangeLog.objects.filter(content_type__model="ranking").values_list("source", flat=True)) == {
        f"impor #{batch.pk - 1}: p3ke.xlsx",
        f"impor #{batch.pk}: dtsen.xlsx",
    }
    page = client.get(reverse("cases:detail", args=[family.pk])).text
    assert "Riwayat peringkat" in page and "DTSEN" in page


def test_the_same_list_and_date_again_says_which_rankings_it_corrects(client_as):
    client = client_as("supervisor")
    upload(client, xlsx([row(desil="2"), spouse(desil="2")]), list_kind="dtsen", as_of="01/10/2025")
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    upload(client, xlsx([row(desil="4"), spouse(desil="4")]), list_kind="dtsen", as_of="01/10/2025")
    batch = ImportBatch.objects.latest("id")
    assert (batch.summary["desil_changed"], batch.summary["rankings_corrected"]) == (1, 1)
    assert "akan diganti" in client.get(reverse("imports:detail", args=[batch.pk])).text
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert latest(Household.objects.get()) == (4, "dtsen", DTSEN_OCT)
    entry = ChangeLog.objects.filter(content_type__model="ranking").latest("id")
    assert entry.action == "update" and entry.changes == {"desil": ["Desil 2", "Desil 4"]}


def test_an_import_refuses_a_desil_its_list_cannot_give(client_as):
    client = client_as("supervisor")
    upload(client, xlsx([row(desil="7")]), list_kind="p3ke", as_of="15/01/2024")
    batch = ImportBatch.objects.get()
    assert batch.summary["error_rows"] == 1
    assert batch.errors[0]["problems"] == [["desil", "Desil P3KE harus 1 sampai 4 (tertulis 7)."]]


def test_a_list_dated_in_the_future_is_refused_and_the_form_keeps_what_was_chosen(client_as):
    client = client_as("supervisor")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    response = upload(client, xlsx([row()]), list_kind="dtks", as_of=tomorrow)
    assert response.status_code == 200 and "Tanggal daftar tidak boleh di masa depan" in response.text
    assert 'value="dtks" selected' in response.text and not ImportBatch.objects.exists()


def test_the_command_line_names_the_list_and_its_date(tmp_path, city_admin):
    file = tmp_path / "dtsen.xlsx"
    file.write_bytes(xlsx([row(desil="9")]))
    call_command(
        "import_households", str(file), "--user", city_admin.username, "--list", "dtsen", "--as-of", "2025-10-01",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert latest(Household.objects.get()) == (9, "dtsen", DTSEN_OCT)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_desil_stored_before_the_history_becomes_a_p3ke_ranking_of_the_day_of_registration():
    """Migration 0013 on a database in use: each stored desil is kept as a P3KE ranking, dated the (Jakarta) day
    the household was registered."""
    before = [("households", "0012_region_bps_codes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    kelurahan = old.get_model("households", "Kelurahan").objects.get(name="Kameloh Baru")
    households = old.get_model("households", "Household").objects
    with case_scope():
        stored = households.create(kelurahan_id=kelurahan.pk, address="Jl. Uji", desil=2, p3ke_id="P3KE-MIG")
        unranked = households.create(kelurahan_id=kelurahan.pk, address="Jl. Uji 2", desil=None)
        recent = households.create(kelurahan_id=kelurahan.pk, address="Jl. Uji 3", desil=3)  # registered today
    evening = datetime.datetime(2024, 1, 14, 20, 0, tzinfo=datetime.UTC)  # 03:00 on 15 January in Palangka Raya
    households.filter(pk=stored.pk).update(created_at=evening)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ranking = Ranking.objects.get(household_id=stored.pk)
    assert (ranking.source, ranking.as_of, ranking.desil, ranking.family_id) == ("p3ke", P3KE_2024, 2, "P3KE-MIG")
    assert latest(Household.objects.get(pk=stored.pk)) == (2, "p3ke", P3KE_2024)
    assert latest(Household.objects.get(pk=unranked.pk)) == (None, "", None)
    # Registered after 2024: its P3KE desil is from a list of 2024 at the latest, so a DTSEN list of 2025 outranks it.
    end_of_2024 = datetime.date(2024, 12, 31)
    assert latest(Household.objects.get(pk=recent.pk)) == (3, "p3ke", end_of_2024)
    ranking_record(household=Household.objects.get(pk=recent.pk), source="dtsen", as_of=DTSEN_OCT, desil=1, actor=None)
    assert latest(Household.objects.get(pk=recent.pk)) == (1, "dtsen", DTSEN_OCT)


def test_an_older_list_records_its_ranking_but_changes_nothing_newer(client_as):
    """A P3KE list of 2024 uploaded after the October 2025 DTSEN list: the family's address and members as the
    newer list (and the caseworkers since) left them stay; the old list's desil is kept in the history only."""
    client = client_as("supervisor")
    upload(client, xlsx([row(desil="1"), spouse(desil="1")]), "dtsen.xlsx", list_kind="dtsen", as_of="01/10/2025")
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    family = Household.objects.get()
    child = row(nik="", nama="Anak", hubungan_keluarga="Anak", tanggal_lahir="01/02/2010", desil="3", alamat="Jl. Lama")
    old = [row(desil="3", alamat="Jl. Lama", nama="Rudi Lama"), spouse(desil="3", alamat="Jl. Lama"), child]
    upload(client, xlsx(old), "p3ke-2024.xlsx", list_kind="p3ke", as_of="15/01/2024")
    batch = ImportBatch.objects.latest("id")
    assert batch.summary["households"] == {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0, "older": 1}
    assert batch.summary["changed"] == []
    assert "hanya peringkat dicatat" in client.get(reverse("imports:detail", args=[batch.pk])).text
    client.post(reverse("imports:confirm", args=[batch.pk]))
    family.refresh_from_db()
    assert family.address == "Jl. Mahir Mahar No. 9" and family.members.count() == 2
    assert set(family.members.values_list("full_name", flat=True)) == {"Rudi Hartono", "Siti Aminah"}  # no "Anak"
    assert latest(family) == (1, "dtsen", DTSEN_OCT)
    assert list(family.rankings.values_list("source", "desil")) == [("dtsen", 1), ("p3ke", 3)]
