"""The reconciliation page as a supervisor uses it (from the second new-user trial): a refused decision stays in its
row with its error, what was chosen and typed; the page says what each decision means for each bucket."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import ChangeLog
from coordination.models import DtsenProposal
from imports.forms import DECISION_HELP
from imports.models import Bucket, ReconciliationDecision
from tests.imports.test_reconcile import household, import_two_lists, queries, start_from_batch_page
from tests.imports.test_reconcile_proposals import options, row_form
from tests.pageforms import page_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(client_as, supervisor):
    client, batch = import_two_lists(client_as, supervisor)
    return client, start_from_batch_page(client, batch)


def row_html(page: str, bucket: str, key: str) -> str:
    """The HTML of one row's card, up to the next row (or the pagination)."""
    start = page.index(f'data-testid="row-{bucket}-{key}"')
    following = page.find('data-testid="row-', start + 1)
    return page[start : following if following != -1 else len(page)]


def the_row_form(response, key: str):
    (form,) = [f for f in page_forms(response) if f.method == "post" and dict(f.data()).get("key") == key]
    return form


def nothing_saved(logged: int) -> bool:
    return (
        not ReconciliationDecision.objects.exists()
        and not DtsenProposal.objects.exists()
        and ChangeLog.objects.count() == logged
    )


def test_a_decision_refused_for_a_missing_reason_stays_in_its_row_with_its_error_and_choices(listed):
    client, reconciliation = listed
    left = reconciliation.rows.get(bucket=Bucket.LEFT)
    logged = ChangeLog.objects.count()
    form = row_form(client, reconciliation, "left")
    assert form.target().endswith("?bucket=left")  # back to the same rows
    form["decision"] = "propose"
    form["proposal"] = "removal:moved"
    form["reason"] = "   "
    answer = form.submit(client)

    assert answer.status_code == 200 and nothing_saved(logged)
    page = answer.text
    row = row_html(page, "left", left.key)
    error = "Tuliskan alasannya: mempertahankan atau mengusulkan perbaikan perlu alasan."
    assert page.count(error) == 1 and error in row  # in the row, not at the top of the page
    assert re.search(
        r'<div class="alert alert-danger[^>]*role="alert" id="e-\d+"[^>]*data-testid="decision-error"', row
    )
    assert '<details class="mt-1" open>' in row
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*autofocus', row)  # the field to fix has the focus
    again = the_row_form(answer, left.key)
    assert again["decision"] == "propose" and options(again)[1] == ["removal:moved"]
    assert again.target().endswith("?bucket=left")
    assert answer.context["page_obj"].paginator.count == 1  # the page it came from: still filtered on "left"

    # Fixed in the same form, it is saved.
    again["reason"] = "Keluarga sudah pindah ke Katingan"
    sent = again.submit(client)
    url = reverse("imports:reconciliation", args=[reconciliation.pk])
    assert sent.status_code == 302 and sent.url == f"{url}?bucket=left#row-left-{left.key}"
    proposal = DtsenProposal.objects.get()
    assert (proposal.kind, proposal.reason) == ("removal", "moved")


def test_a_decision_the_service_refuses_keeps_the_typed_reason_and_shows_the_error_in_the_row(listed):
    """A family missing from the list has no default proposal: proposing without choosing one is refused."""
    client, reconciliation = listed
    missing = reconciliation.rows.get(bucket=Bucket.MISSING)
    logged = ChangeLog.objects.count()
    form = row_form(client, reconciliation, "missing")
    form["decision"] = "propose"
    form["reason"] = "Keluarga pindah ke Kabupaten Katingan sejak Juni"
    answer = form.submit(client)

    assert answer.status_code == 200 and nothing_saved(logged)
    row = row_html(answer.text, "missing", missing.key)
    assert "Pilih jenis usulan" in row and answer.text.count("Pilih jenis usulan") == 1
    assert re.search(r'role="alert"[^>]*tabindex="-1"[^>]*autofocus', row)  # no one field to blame: the alert
    again = the_row_form(answer, missing.key)
    assert again["decision"] == "propose" and again["reason"] == "Keluarga pindah ke Kabupaten Katingan sejak Juni"
    assert options(again)[1] == [""]
    # The other rows are as they were: closed, without errors.
    assert (
        answer.text.count('data-testid="decision-error"') == 1 and answer.text.count('<details class="mt-1" open>') == 1
    )


def test_a_refused_decision_reads_the_page_in_a_fixed_number_of_queries(listed):
    client, reconciliation = listed
    url = reverse("imports:reconciliation", args=[reconciliation.pk])
    shown = queries(client, url, {"bucket": "missing"})
    form = row_form(client, reconciliation, "missing")
    form["decision"] = "keep"
    with CaptureQueriesContext(connection) as captured:
        assert form.submit(client).status_code == 200
    assert len(captured) == shown == 10  # the page's own queries: refusing reads nothing more


def test_the_page_says_what_each_decision_means_for_each_bucket(listed):
    client, reconciliation = listed
    url = reverse("imports:reconciliation", args=[reconciliation.pk])
    page = client.get(url, {"bucket": "left"}).text
    help_block = page[page.index('data-testid="decision-help"') : page.index('data-testid="row-filters"')]
    assert "hanya mencatat keputusan Anda" in help_block
    for bucket, label in Bucket.choices:
        assert f"Keputusan untuk “{label}”" in help_block and f'id="help-{bucket}"' in help_block
        for meaning in DECISION_HELP[bucket].values():
            assert str(meaning) in help_block
        for decision in ("Terima", "Pertahankan (dengan alasan)", "Usulkan perbaikan"):
            assert f"<dt>{decision}</dt>" in help_block
    assert help_block.count('<details class="small" open>') == 1  # the bucket shown: its meanings open
    assert "bukan desil 1 lagi" in help_block[help_block.index('<details class="small" open>') :].split("</details>")[0]
    left = reconciliation.rows.get(bucket=Bucket.LEFT)
    assert 'href="#help-left"' in row_html(page, "left", left.key)


def test_a_family_new_in_desil_1_and_created_by_the_list_is_counted_once_in_created(listed):
    client, reconciliation = listed
    seven = household(7)
    assert list(reconciliation.rows.filter(household=seven).values_list("bucket", flat=True)) == [Bucket.CREATED]
    page = client.get(reverse("imports:reconciliation", args=[reconciliation.pk]))
    summary = page.context["summary"]
    assert summary.totals[Bucket.values.index(Bucket.ENTERED)] == 1  # family 3 only
    assert summary.totals[Bucket.values.index(Bucket.CREATED)] == 1
    assert summary.total == reconciliation.rows.count() == 7  # families 3, 2, 4, 7, and 6, 4, 8 mismatching
    created = row_html(page.text, "created", f"hh-{seven.pk}")
    assert 'data-testid="desil-1"' in created and "Baru masuk desil 1 (tidak ada di daftar → desil 1)" in created
    entered = reconciliation.rows.get(bucket=Bucket.ENTERED)
    assert 'data-testid="desil-1"' not in row_html(page.text, "entered", entered.key)
