"""Read a rendered page's form as a browser would send it, so tests submit what the page carries."""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The POST forms of a page, each as the fields a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_form = attrs.get("method", "").lower() == "post"
            if self._in_form:
                self.forms.append({})
        if not self._in_form:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") in {"checkbox", "radio"}:
            if "checked" in attrs:
                fields[name] = attrs.get("value") or "on"
        elif tag == "input" and name and attrs.get("type") not in {"submit", "button", "image", "file"}:
            fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (self._select not in fields or "selected" in attrs):
            fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(page: str, field: str) -> dict[str, str]:
    """The fields of the page's POST form that has a field named `field`."""
    reader = FormReader()
    reader.feed(page)
    return next(form for form in reader.forms if field in form)
