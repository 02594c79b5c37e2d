"""The registry and intervention lists as xlsx/csv: the current filters, masked numbers, recorded."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessLog
from tests.factories import HouseholdFactory, InterventionFactory, PersonFactory, kelurahan, opd

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_registry_export_follows_the_filters_one_row_per_person_and_masks_numbers(client_as):
    kameloh = HouseholdFactory(kelurahan=kelurahan("Kameloh Baru"))
    head = PersonFactory(household=kameloh, full_name="Budi Santoso")
    PersonFactory(household=kameloh, full_name="Siti", relation="pasangan", sex="P")
    PersonFactory(household=HouseholdFactory(kelurahan=kelurahan("Menteng")), full_name="Orang Menteng")
    client = client_as("dinsos_caseworker")
    response = client.get(
        reverse("cases:registry_export"), {"kelurahan": kelurahan("Kameloh Baru").pk, "format": "csv"}
    )
    rows = csv_rows(response)
    assert rows[0][:5] == ["id_rumah_tangga", "id_keluarga_p3ke", "no_kk", "nik", "nama"]
    assert sorted(r[4] for r in rows[1:]) == ["Budi Santoso", "Siti"]
    budi = next(r for r in rows if r[4] == "Budi Santoso")
    assert budi[3] == f"{head.nik[:4]}••••••••{head.nik[-4:]}"
    assert not any(head.nik in cell for r in rows for cell in r)
    assert budi[6] == head.birth_date.strftime("%d/%m/%Y")
    entry = AccessLog.objects.get()
    # "rows": the data rows of the file as sent (one per person: Budi and Siti), not the households.
    assert (entry.kind, entry.detail["list"], entry.detail["rows"], entry.detail["full_numbers"]) == (
        "export",
        "registry",
        len(rows) - 1,
        False,
    )
    assert len(rows) - 1 == 2


def test_registry_export_as_xlsx(client_as):
    person = PersonFactory()
    rows = xlsx_rows(client_as("supervisor").get(reverse("cases:registry_export"), {"format": "xlsx"}))
    assert rows[1][4] == person.full_name
    assert person.nik not in [str(cell) for cell in rows[1]]


def test_only_supervisors_export_full_numbers_and_it_is_recorded(client_as):
    person = PersonFactory()
    url = reverse("cases:registry_export")
    assert client_as("dinsos_caseworker").get(url, {"format": "csv", "full": "1"}).status_code == 403
    assert not AccessLog.objects.exists()
    rows = csv_rows(client_as("supervisor").get(url, {"format": "csv", "full": "1"}))
    assert rows[1][3] == person.nik
    entry = AccessLog.objects.get()
    assert entry.detail["full_numbers"] and entry.field == "nik"


def test_search_words_stay_out_of_the_export_log(client_as):
    household = HouseholdFactory()
    PersonFactory(household=household, full_name="Budi Rahasia")
    client = client_as("supervisor")
    listing = client.post(reverse("cases:registry"), {"q": "rahasia"})
    key = listing.url.split("cari=")[1]
    rows = csv_rows(client.get(reverse("cases:registry_export"), {"cari": key, "format": "csv"}))
    assert [r[4] for r in rows[1:]] == ["Budi Rahasia"]
    entry = AccessLog.objects.get()
    assert "rahasia" not in str(entry.detail).lower() and entry.detail["search"] is True


def test_intervention_list_and_export(client_as):
    training = InterventionFactory(program__opd=opd("Disnaker"), amount=1_250_000)
    InterventionFactory(program__opd=opd("Dinsos"))
    client = client_as("dinsos_caseworker")
    page = client.get(reverse("interventions:list"), {"opd": opd("Disnaker").pk})
    assert [i.pk for i in page.context["page_obj"]] == [training.pk]
    rows = csv_rows(client.get(reverse("interventions:export"), {"opd": opd("Disnaker").pk, "format": "csv"}))
    assert len(rows) == 2 and rows[1][0] == str(training.pk) and rows[1][7] == "1250000"
    assert rows[1][14] == f"{training.person.nik[:4]}••••••••{training.person.nik[-4:]}"


def test_list_pages_have_bounded_queries(client_as, django_assert_max_num_queries):
    for _ in range(30):
        InterventionFactory()
    client = client_as("supervisor")
    with django_assert_max_num_queries(15):
        response = client.get(reverse("interventions:list"))
    assert len(response.context["page_obj"]) == 30
