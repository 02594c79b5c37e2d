"""URLs without arguments, reversed once per process instead of on every request."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def fixed_path(name: str) -> str:
    """`reverse(name)` for a URL that takes no arguments (a page's menu, a list the dashboard links to).

    The navigation alone reverses ten names on every page and the dashboard its lists ~280 times; a reverse() costs
    about 20 µs. Keyed by the script prefix and URLconf that reverse() reads, so the answer is always the same."""
    return _reversed(name, get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))


@functools.lru_cache(maxsize=128)
def _reversed(name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)
