"""A visit saved, then Back and Save again in Chromium: the second save is refused, naming the visit."""

import pytest

from households.models import Visit
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, HouseholdFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_visit_saved_again_from_the_back_button_is_refused(new_page, dinsos_caseworker):
    household = HouseholdFactory()
    page = new_page()
    sign_in(page, dinsos_caseworker.username, TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/households/{household.pk}/visits/new/")
    page.get_by_label("Tujuan").select_option("monitoring")
    page.get_by_label("Temuan").fill("Atap bocor, anak belum sekolah.")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/households/{household.pk}/**")
    page.go_back()
    page.wait_for_url("**/visits/new/")
    page.get_by_label("Tujuan").select_option("monitoring")  # whatever the browser restored, the same visit
    page.get_by_label("Temuan").fill("Atap bocor, anak belum sekolah.")
    page.get_by_role("button", name="Simpan").click()
    alert = page.locator("[data-form-errors]")
    alert.wait_for()
    assert "Kunjungan ini sudah tercatat" in alert.inner_text()
    assert page.get_by_label("Temuan").input_value() == "Atap bocor, anak belum sekolah."
    assert Visit.objects.filter(household=household).count() == 1
