"""Markup compared as a browser reads it (two writings of a form or widget must read alike)."""

from html.parser import HTMLParser


class Outline(HTMLParser):
    """Markup as (tag, sorted attributes) and words, so two writings compare equal when a browser reads them alike."""

    def __init__(self, html: str):
        super().__init__()
        self.items: list[object] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.items.append(f"/{tag}")

    def handle_data(self, data):
        self.items += data.split()
