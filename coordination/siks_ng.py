"""The SIKS-NG upload workbook: approved DTSEN proposals, one row per person, in the columns an operator types into
SIKS-NG (Sistem Informasi Kesejahteraan Sosial - Next Generation). The layout is documented, column by column, in
docs/SIKS_NG_WORKBOOK.md; `COLUMNS` (from `LAYOUT`, which gives each its width) is the one list both follow (a test
reads the document against it). Its header is a table head: bold, frozen and filtered."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from coordination.models import DtsenProposal
from households.models import Person, Ranking, RankingSource

SHEET = "Usulan SIKS-NG"
# A fixed contract with the operators who type it into SIKS-NG: Indonesian, whatever the language of the page.
# Each column with its width in characters (its header, with room for the filter's arrow, or its usual content).
LAYOUT: tuple[tuple[str, int], ...] = (
    ("No", 6),
    ("ID usulan", 12),
    ("Jenis usulan", 16),
    ("Alasan usulan", 28),
    ("Kode wilayah Kemendagri", 26),
    ("Kode wilayah BPS", 19),
    ("Kecamatan", 16),
    ("Kelurahan", 22),
    ("Alamat", 40),
    ("RT", 6),
    ("RW", 6),
    ("No. KK", 20),
    ("NIK", 20),
    ("Nama lengkap", 30),
    ("Jenis kelamin", 16),
    ("Tempat lahir", 18),
    ("Tanggal lahir", 16),
    ("Hubungan dengan kepala keluarga", 34),
    ("Status perkawinan", 20),
    ("Pendidikan terakhir", 22),
    ("Pekerjaan", 22),
    ("ID keluarga DTSEN", 20),
    ("Desil terakhir", 16),
    ("Tanggal musyawarah", 21),
    ("Nomor berita acara", 24),
    ("Peserta musyawarah", 21),
    ("Disetujui oleh", 24),
    ("Tanggal persetujuan", 22),
    ("Keterangan", 50),
)
COLUMNS = tuple(name for name, _width in LAYOUT)
WIDTHS = tuple(width for _name, width in LAYOUT)


def rows(proposals: QuerySet[DtsenProposal]) -> list[list[Any]]:
    """The header and a row per person of each proposal (the person it names, else every active member), in
    four queries whatever the number of proposals."""
    chosen = list(
        proposals.select_related("household__kelurahan__kecamatan", "decided_by").order_by("household__kelurahan", "id")
    )
    households = {p.household_id for p in chosen}
    members: dict[int, list[Person]] = {}
    for person in Person.objects.filter(household_id__in=households, status=Person.Status.ACTIVE).order_by("id"):
        members.setdefault(person.household_id, []).append(person)
    family_ids = _latest_family_ids(households)
    result: list[list[Any]] = [list(COLUMNS)]
    for proposal in chosen:
        household = proposal.household
        kelurahan = household.kelurahan
        people: Iterable[Person] = [proposal.person] if proposal.person else members.get(household.pk, [])
        for person in people:
            result.append(
                [
                    len(result),
                    proposal.pk,
                    proposal.get_kind_display(),
                    proposal.get_reason_display(),
                    kelurahan.code,
                    kelurahan.bps_code,
                    kelurahan.kecamatan.name,
                    kelurahan.name,
                    household.address,
                    household.rt,
                    household.rw,
                    household.no_kk,
                    person.nik,
                    person.full_name,
                    person.sex,
                    person.birth_place,
                    person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
                    person.get_relation_display(),
                    person.get_marital_status_display() if person.marital_status else "",
                    person.get_education_display() if person.education else "",
                    person.occupation,
                    family_ids.get(household.pk, ""),
                    household.desil or "",
                    proposal.muskel_held_on.strftime("%d/%m/%Y") if proposal.muskel_held_on else "",
                    proposal.muskel_minutes_number,
                    proposal.muskel_attendees or "",
                    _name(proposal.decided_by),
                    _local_date(proposal),
                    proposal.description,
                ]
            )
    return result


def _local_date(proposal: DtsenProposal) -> str:
    return timezone.localdate(proposal.decided_at).strftime("%d/%m/%Y") if proposal.decided_at else ""


def _latest_family_ids(households: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for pk, family_id in (
        Ranking.objects.filter(household_id__in=households, source=RankingSource.DTSEN)
        .exclude(family_id="")
        .order_by("household_id", "-as_of", "-id")
        .values_list("household_id", "family_id")
    ):
        found.setdefault(pk, family_id)
    return found


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""
