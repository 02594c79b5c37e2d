"""The SIKS-NG upload workbook: approved DTSEN proposals, one row per person, in the columns an operator types into
SIKS-NG (Sistem Informasi Kesejahteraan Sosial - Next Generation). The layout is documented, column by column, in
docs/SIKS_NG_WORKBOOK.md; `COLUMNS` is the one list both follow (a test reads the document against it)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from coordination.models import DtsenProposal
from households.models import Person, Ranking, RankingSource

SHEET = "Usulan SIKS-NG"
# A fixed contract with the operators who type it into SIKS-NG: Indonesian, whatever the language of the page.
COLUMNS = (
    "No",
    "ID usulan",
    "Jenis usulan",
    "Alasan usulan",
    "Kode wilayah Kemendagri",
    "Kode wilayah BPS",
    "Kecamatan",
    "Kelurahan",
    "Alamat",
    "RT",
    "RW",
    "No. KK",
    "NIK",
    "Nama lengkap",
    "Jenis kelamin",
    "Tempat lahir",
    "Tanggal lahir",
    "Hubungan dengan kepala keluarga",
    "Status perkawinan",
    "Pendidikan terakhir",
    "Pekerjaan",
    "ID keluarga DTSEN",
    "Desil terakhir",
    "Tanggal musyawarah",
    "Nomor berita acara",
    "Peserta musyawarah",
    "Disetujui oleh",
    "Tanggal persetujuan",
    "Keterangan",
)


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
