"""The reconciliation page on a phone (second new-user trial): a decision refused for a missing reason lands on
its row, with the error next to its form, the field to fix focused and the choice kept; the meanings of the
decisions are a tap away."""

import pytest
from playwright.sync_api import expect

from imports.models import Bucket, ReconciliationDecision
from imports.reconcile import reconcile
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_accessibility import SMALL_TARGETS, axe_problems
from tests.imports.test_reconcile import OCTOBER, import_two_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "sandi-uji-12345"


def test_a_refused_decision_lands_on_its_row_with_its_error_on_a_phone(new_page, client_as, supervisor):
    import_two_lists(client_as, supervisor)
    reconciliation = reconcile(source="dtsen", as_of=OCTOBER, actor=supervisor)
    missing = reconciliation.rows.get(bucket=Bucket.MISSING)
    supervisor.set_password(PASSWORD)
    supervisor.save()

    phone = new_page(PHONE)
    sign_in(phone, supervisor.username, PASSWORD)
    phone.goto(f"/imports/reconciliation/{reconciliation.pk}/")
    row = phone.get_by_test_id(f"row-missing-{missing.key}")
    row.locator("summary").click()
    row.get_by_label("Pertahankan (dengan alasan)").check()
    row.get_by_role("button", name="Simpan keputusan").click()

    phone.wait_for_load_state()
    assert phone.url.endswith(f"/imports/reconciliation/{reconciliation.pk}/decide/")
    expect(row).to_be_in_viewport()
    row = phone.get_by_test_id(f"row-missing-{missing.key}")
    alert = row.get_by_role("alert")
    expect(alert).to_contain_text("perlu alasan")
    expect(alert).to_be_in_viewport()
    expect(row.get_by_label("Alasan", exact=True)).to_be_focused()
    expect(row.get_by_label("Pertahankan (dengan alasan)")).to_be_checked()
    assert not ReconciliationDecision.objects.exists()
    assert axe_problems(phone) == []
    assert phone.evaluate(SMALL_TARGETS) == []
    screenshot(phone, "reconciliation-refused-decision-phone")

    # What the decisions mean for this bucket, from the row's form.
    row.get_by_role("link", name="Apa arti pilihan ini?").click()
    expect(phone.locator("#help-missing")).to_be_visible()
    expect(phone.locator("#help-missing")).to_contain_text("Registri menyusul")

    row.get_by_label("Alasan", exact=True).fill("Masih tinggal di Kameloh Baru, dikunjungi 02/11")
    row.get_by_role("button", name="Simpan keputusan").click()
    expect(phone.get_by_text("Keputusan dicatat.")).to_be_visible()
    assert ReconciliationDecision.objects.get().decision == "keep"
