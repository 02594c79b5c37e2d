"""The import screens' reads: the batch list and a batch's page in a pinned number of queries, the same with 3
as with 20 batches or rows in error; the error sample on the page never shows a whole identity number."""

import pytest
from django.urls import reverse

from imports import selectors
from imports.models import ImportBatch
from imports.services import import_preview
from tests.imports.helpers import P3KE_LIST, row, xlsx

pytestmark = pytest.mark.django_db
WHOLE_NIK = "6271040506800001"


def families_with_a_bad_nik(count: int, start: int = 0) -> list[dict]:
    """Heads of `count` families whose NIK Excel turned into a number: each row is refused, quoting the cell."""
    return [
        row(id_keluarga_p3ke=f"P3KE-S-{n:03d}", no_kk=f"627104200100{n:04d}", nik=f"{WHOLE_NIK}.0", nama=f"Kepala {n}")
        for n in range(start, start + count)
    ]


def preview(user, rows: list[dict]) -> ImportBatch:
    return import_preview(file_name="p3ke.xlsx", data=xlsx(rows), source="P3KE 2024", user=user, **P3KE_LIST)


def test_batch_list_reads_in_a_fixed_number_of_queries(client_as, supervisor, django_assert_num_queries):
    client = client_as("supervisor")
    for total, more in ((3, 3), (20, 17)):
        for _ in range(more):
            preview(supervisor, families_with_a_bad_nik(1))
        with django_assert_num_queries(7):
            response = client.get(reverse("imports:list"))
        assert len(response.context["page_obj"]) == total


def test_batch_page_reads_in_a_fixed_number_of_queries(client_as, supervisor, django_assert_num_queries):
    client = client_as("supervisor")
    for total in (3, 20):
        batch = preview(supervisor, families_with_a_bad_nik(total))
        with django_assert_num_queries(6):  # the batch comes with both users
            response = client.get(reverse("imports:detail", args=[batch.pk]))
        assert len(response.context["error_sample"]) == total
        assert WHOLE_NIK not in response.text


def test_batches_come_with_their_users_in_one_query(supervisor, django_assert_num_queries):
    preview(supervisor, families_with_a_bad_nik(1))
    with django_assert_num_queries(1):
        [batch] = list(selectors.batches())
        assert batch.uploaded_by == supervisor and batch.applied_by is None
    assert batch.get_deferred_fields() == {"content", "plan", "errors"}


def test_the_error_sample_masks_identity_numbers_and_stops_at_its_size(supervisor):
    batch = preview(supervisor, families_with_a_bad_nik(5))
    sample = selectors.error_sample(batch, limit=3)
    assert [entry["row"] for entry in sample] == [entry["row"] for entry in batch.errors[:3]]
    messages = [message for entry in sample for _column, message in entry["problems"]]
    assert messages and all(WHOLE_NIK not in message and "6271" in message for message in messages)
    assert WHOLE_NIK in str(batch.errors)  # the stored report keeps the cell as it was, for correcting the file
