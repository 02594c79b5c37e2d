"""On a 360 px phone every list shows, for its first row, the cell that matters (status or due date) on the
screen, without scrolling sideways: each row is a card below 576 px (`.table-cards` in static/css/app.css)."""

import pytest

from tests.browser.conftest import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# (user, list page, screenshot name)
LISTS = [
    ("dinsos", "/households/", "registry"),
    ("supervisor", "/referrals/?status=open", "referral-inbox"),
    ("supervisor", "/interventions/", "interventions"),
    ("supervisor", "/consolidation/", "consolidation"),
    ("supervisor", "/dashboard/", "dashboard"),
    ("supervisor", "/audit/", "audit-trail"),
]


def test_the_cell_that_matters_is_on_the_screen_on_a_phone(demo, new_page):
    page, signed_in = new_page(PHONE), None
    off_screen = []
    for username, url, name in LISTS:
        if username != signed_in:
            page.context.clear_cookies()
            sign_in(page, username, "demo-palangka")
            signed_in = username
        page.goto(url)
        # The status or date cell; in the consolidation matrix, the first need with a referral.
        row = page.locator("tbody tr").first
        key = (
            row.locator("[data-key]") if row.locator("[data-key]").count() else row.locator("td:not(.cell-empty)")
        ).first
        box = key.bounding_box()
        if box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
            off_screen.append((url, box))
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            off_screen.append((url, "the page scrolls sideways"))
        assert key.inner_text().strip(), url
        screenshot(page, f"phone-{name}")
    assert off_screen == []
