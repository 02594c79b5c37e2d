"""Playwright driving Debian's Chromium (/usr/bin/chromium). No browser is ever downloaded."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def chromium(django_db_setup):
    """One Chromium per test process (each pytest-xdist worker), started by its first browser test.

    Starting Playwright's driver and Chromium took most of a second per test. Each test still gets fresh
    browser contexts (own cookies, storage and cache: `new_page`), closed when it ends. Browser tests run last
    (pytest-django orders them after the others), so what follows runs with Playwright open:

    - its sync API runs an event loop in this thread; the ORM calls tests make meanwhile are still
      synchronous, so Django is told to allow them;
    - it switches the thread's context variables, where Django keeps its database connections (asgiref
      `Local`): the test database's connections are handed over, or the tests would get fresh ones without
      the serialized contents that `serialized_rollback` puts back.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make test` (it installs it) or `apt-get install chromium`.")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    test_databases = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in test_databases.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium, live_server):
    """The process's Chromium, once the live server (and its database) is ready."""
    return chromium


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(PHONE)` opens a fresh browser context at that viewport, pointed at the live server."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="id-ID")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
