"""A supervisor downloads a registry too big to send at once: it is prepared in the background, the progress
bar survives a reload, and the finished file downloads whole."""

import csv
import io
from pathlib import Path

import pytest

from households.models import Person
from jobs import exports
from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.worker import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_large_export_runs_in_the_background_and_downloads_whole(demo, new_page, monkeypatch):
    monkeypatch.setattr(exports, "INLINE_ROWS", 10)  # the demo's ~100 persons are "large" here
    page = new_page(PHONE)
    sign_in(page, "supervisor", "demo-palangka")
    page.goto("/households/")
    page.get_by_role("link", name="CSV").click()
    page.wait_for_url("**/unduhan/*/")
    job_url = page.url
    progress = page.locator("progress")
    assert progress.is_visible() and "Menunggu giliran" in page.locator("main").inner_text()
    page.reload()  # the job is the server's: a reload shows the same job, still waiting
    assert page.locator("progress").is_visible()
    screenshot(page, "export-job-waiting-phone")

    run_worker()  # a worker takes the job

    download_button = page.get_by_role("link", name="Unduh registri")
    download_button.wait_for(timeout=15_000)  # the page follows the job and shows the result by itself
    assert page.url == job_url and "Selesai" in page.locator("main").inner_text()
    screenshot(page, "export-job-done-phone")
    with page.expect_download() as info:
        download_button.click()
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(rows) == Person.objects.count() + 1  # every person of the registry, counted from the table
    assert page.get_by_test_id("job-rows").inner_text().replace(".", "") == str(len(rows) - 1)
    page.goto("/unduhan/")
    assert "Registri (CSV)" in page.locator("main").inner_text()
