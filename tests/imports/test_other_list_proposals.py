"""A list that is not a national one ("Lainnya") does not make families extreme poor directly (issue 15): its new
families marked extreme poor wait as "diusulkan", each with a DTSEN proposal for a new family, written in bulk; the
national lists (DTSEN, P3KE, DTKS) keep making them extreme poor."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import ChangeLog
from coordination.models import DtsenProposal
from dashboard import derived
from households.models import Household
from imports.models import ImportBatch
from imports.services import import_apply, import_preview
from tests import oracle
from tests.coordination.test_dtsen_proposals import official
from tests.factories import PersonFactory
from tests.imports.helpers import row, upload, xlsx

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 9, 1)
HEADER = ["no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga", "kecamatan", "kelurahan",
          "alamat", "desil", "status_miskin_ekstrem"]  # fmt: skip


def family(n: int, extreme_poor: str = "Ya") -> dict:
    """The head of family n, one person a family: No. KK 62710420010000nn, a valid NIK of its own."""
    return row(no_kk=f"62710420010000{n:02d}", nik=f"62710405068000{n:02d}", nama=f"Kepala {n}",
               alamat=f"Jl. Rajawali No. {n}", desil="1", status_miskin_ekstrem=extreme_poor)  # fmt: skip


def families(numbers) -> bytes:
    return xlsx([family(n) for n in numbers], header=HEADER)


def upload_list(client, numbers, list_kind: str, name: str = "pendataan-kelurahan.xlsx"):
    """The upload page's form as the office fills it; returns the preview page."""
    sent = upload(client, families(numbers), name, list_kind=list_kind, as_of=f"{AS_OF:%d/%m/%Y}")
    batch = ImportBatch.objects.latest("id")
    assert sent.url == reverse("imports:detail", args=[batch.pk]), sent
    return batch, client.get(sent.url)


def test_a_list_of_kind_other_makes_its_new_families_proposals_not_extreme_poor(client_as, cast):
    PersonFactory()  # an extreme-poor family from a national list, already counted
    client = client_as("supervisor")
    before = official(client)
    assert before == oracle.city()["ep_persons"] == 1

    batch, preview = upload_list(client, [1, 2, 3], "other")
    assert batch.summary["proposed"] == 3
    said = preview.content.decode()
    assert 'data-testid="proposed"' in said and "3 keluarga baru yang ditandai miskin ekstrem menunggu" in said
    assert "bukan daftar nasional" in said

    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    new = Household.objects.filter(no_kk__startswith="627104200100000")
    assert new.count() == 3 and set(new.values_list("status", flat=True)) == {Household.Status.PROPOSED}
    proposals = DtsenProposal.objects.filter(household__in=new)
    assert proposals.count() == 3
    assert {(p.kind, p.reason, p.state, p.proposed_by) for p in proposals} == {
        ("new", "not_listed", "submitted", cast["supervisor"])
    }
    assert all("pendataan-kelurahan.xlsx" in p.description for p in proposals)
    # Each proposal's "create" entry is in its case history, from the import, as a proposal opened in the app is.
    for proposal in proposals:
        (entry,) = ChangeLog.objects.for_case(proposal.household_id).filter(object_id=proposal.pk)
        assert (entry.action, entry.actor, entry.source) == ("create", cast["supervisor"], batch.source_label)
        assert entry.changes["kind"] == [None, "Keluarga baru"]
        assert entry.changes["household"] == [None, f"Rumah tangga #{proposal.household_id}"]
    page = client.get(reverse("cases:detail", args=[proposals[0].household_id])).content.decode()
    assert "Belum terdaftar di DTSEN" in page  # the case file's "Usulan DTSEN" card

    # The headline did not move; the dashboard's derived numbers agree with a recount.
    assert official(client) == before == oracle.city()["ep_persons"]
    assert derived.check().ok


@pytest.mark.parametrize("list_kind", ["dtsen", "p3ke", "dtks"])
def test_a_national_list_still_makes_its_new_families_extreme_poor(client_as, list_kind):
    client = client_as("supervisor")
    batch, preview = upload_list(client, [1, 2], list_kind)
    assert batch.summary["proposed"] == 0 and 'data-testid="proposed"' not in preview.content.decode()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    new = Household.objects.filter(no_kk__startswith="627104200100000")
    assert set(new.values_list("status", flat=True)) == {Household.Status.EXTREME_POOR}
    assert not DtsenProposal.objects.exists()
    assert official(client) == 2 == oracle.city()["ep_persons"]


def test_a_family_of_an_other_list_not_marked_extreme_poor_is_poor_without_a_proposal(client_as, supervisor):
    data = xlsx([family(1, extreme_poor="Tidak")], header=HEADER)
    batch = import_preview(file_name="lain.xlsx", data=data, source="", user=supervisor, list_kind="other", as_of=AS_OF)
    assert batch.summary["proposed"] == 0
    import_apply(batch=batch, actor=supervisor)
    assert Household.objects.get().status == Household.Status.POOR and not DtsenProposal.objects.exists()


def apply_queries(supervisor, numbers) -> list[str]:
    batch = import_preview(
        file_name=f"lain-{numbers[0]}.xlsx",
        data=families(numbers),
        source="",
        user=supervisor,
        list_kind="other",
        as_of=AS_OF,
    )
    with CaptureQueriesContext(connection) as captured:
        import_apply(batch=batch, actor=supervisor)
    return [query["sql"] for query in captured]


def test_applying_an_other_list_takes_as_many_queries_for_30_families_as_for_3(supervisor):
    """Apart from the households' own INSERT, which SQLite splits by its limit of parameters a statement (a
    household has some 35 columns: 28 a statement; PostgreSQL writes them in one), the same statements whatever the
    number of families: one INSERT of the proposals, one of their change-log entries with the others'."""
    apply_queries(supervisor, [1])  # the first import of the process reads the content types once
    three, thirty = apply_queries(supervisor, range(2, 5)), apply_queries(supervisor, range(10, 40))
    assert DtsenProposal.objects.count() == 34 == Household.objects.filter(status="proposed").count()

    def without_household_inserts(queries: list[str]) -> list[str]:
        return [sql for sql in queries if not sql.startswith('INSERT INTO "households_household"')]

    assert len(without_household_inserts(thirty)) == len(without_household_inserts(three)) <= 31  # 30 on PostgreSQL
    for queries in (three, thirty):
        assert sum(sql.startswith('INSERT INTO "coordination_dtsenproposal"') for sql in queries) == 1
    assert len(thirty) - len(three) <= 1
    assert derived.check().ok
