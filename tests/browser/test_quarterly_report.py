"""A supervisor makes the quarterly report from the dashboard and prints it on A4."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.browser.test_accessibility import axe_problems
from tests.factories import InterventionFactory, PersonFactory, UserFactory, opd
from tests.worker import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "sandi-uji-12345"


def test_a_supervisor_makes_and_prints_the_quarterly_report(new_page):
    UserFactory(username="supervisor", opd=opd("Dinsos"), role="supervisor", password=PASSWORD)
    person = PersonFactory()
    PersonFactory(household=person.household, relation="anak")
    InterventionFactory(person=person, status="delivered", delivered_on=timezone.localdate(), amount=150_000)

    page = new_page(DESKTOP)
    sign_in(page, "supervisor", PASSWORD)
    page.goto("/dashboard/")
    page.get_by_role("link", name="Laporan triwulan").click()
    page.wait_for_url("**/dashboard/quarterly/")
    assert axe_problems(page) == []
    page.get_by_role("button", name="Buat laporan (xlsx)").first.click()
    page.wait_for_url("**/unduhan/*/")
    run_worker()
    page.reload()
    expect(page.get_by_test_id("job-result")).to_contain_text("Laporan sementara")
    page.get_by_role("link", name="Lihat cetak A4").click()
    page.wait_for_url("**/dashboard/quarterly/*/*/")
    expect(page.get_by_test_id("total-households_end")).to_have_text("1")
    expect(page.get_by_test_id("total-persons_end")).to_have_text("2")
    assert axe_problems(page) == []
    screenshot(page, "quarterly-report-a4-desktop")
