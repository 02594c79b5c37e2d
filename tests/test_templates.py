"""Templates stay readable: short lines, status logic on the models, and status badges anyone can read.

- No template line over 200 characters (aim for 120).
- No template compares a status to a string literal (`intervention.status == "delivered"`): ask the model
  (`intervention.is_open`, `referral.awaits_acceptance`) or compare with its choices (`batch.Status.PREVIEW`).
- Every status of every record with a badge (`core_tags.status_badge`, `STATUS_CLASSES`) has a colour in
  the stylesheet, with WCAG AA contrast (4.5:1) between its text and background.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone, translation

from coordination.models import Referral
from core.templatetags.core_tags import STATUS_CLASSES, status_badge, status_class
from households.models import Household

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
APP_CSS = ROOT / "static" / "css" / "app.css"
BOOTSTRAP_CSS = ROOT / "static" / "vendor" / "bootstrap-5.3.9" / "bootstrap.min.css"
LONGEST_LINE = 200

# A status (or `to_status`, …) on one side of == / != and a quoted literal on the other, inside {% if %} / {% elif %}.
CONDITION = re.compile(r"{%-?\s*(?:el)?if\b(.*?)%}", re.DOTALL)
STATUS_VS_LITERAL = re.compile(
    r"""status\s*(?:==|!=)\s*["']"""  # referral.status == "sent"
    r"""|["']\s*(?:==|!=)\s*[\w.]*status\b"""  # "sent" == referral.status
)


def template_files() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


def raw_status_comparisons(text: str) -> list[str]:
    return [match.group(0) for match in CONDITION.finditer(text) if STATUS_VS_LITERAL.search(match.group(1))]


def test_templates_are_found():
    assert len(template_files()) > 50
    assert TEMPLATES / "cases" / "detail.html" in template_files()


def test_no_template_line_is_longer_than_200_characters():
    too_long = [
        f"{path.relative_to(ROOT)}:{number}: {len(line)} characters"
        for path in template_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > LONGEST_LINE
    ]
    assert not too_long, "Wrap these template lines:\n" + "\n".join(too_long)


@pytest.mark.parametrize(
    "condition",
    [
        '{% if intervention.status == "delivered" %}',
        "{% elif person.status != 'active' %}",
        '{% if can_record and person.status == "active" %}',
        '{% if "declined" == referral.status %}',
        '{% if event.to_status == "sent" %}',
    ],
)
def test_a_raw_status_comparison_is_recognised(condition):
    assert raw_status_comparisons(condition) == [condition]


@pytest.mark.parametrize(
    "condition",
    [
        "{% if intervention.is_open %}",
        "{% if batch.status == batch.Status.PREVIEW %}",
        "{% if value == current %}",
        "{% status_badge referral %}",
        '<span class="badge status-{{ household.status }}">',
    ],
)
def test_status_logic_through_the_model_is_not_flagged(condition):
    assert raw_status_comparisons(condition) == []


def test_no_template_compares_a_status_with_a_string():
    found = [
        f"{path.relative_to(ROOT)}: {comparison}"
        for path in template_files()
        for comparison in raw_status_comparisons(path.read_text(encoding="utf-8"))
    ]
    assert not found, "Ask the model (a property such as is_open) instead:\n" + "\n".join(found)


# Status badges: colours and contrast.


def css_rules(text: str) -> dict[str, dict[str, str]]:
    """Selector -> declarations, for the flat rules of a stylesheet (good enough for app.css)."""
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = {
            name.strip(): value.strip() for name, value in (d.split(":", 1) for d in body.split(";") if ":" in d)
        }
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update(declarations)
    return rules


def bootstrap_colour(name: str) -> str:
    red, green, blue = re.search(rf"--bs-{name}-rgb:\s*(\d+),\s*(\d+),\s*(\d+)", BOOTSTRAP_CSS.read_text()).groups()
    return f"#{int(red):02x}{int(green):02x}{int(blue):02x}"


def colours(classes: str) -> tuple[str, str]:
    """(text, background) of an element with these classes, from app.css and Bootstrap's own colours."""
    rules = css_rules(APP_CSS.read_text(encoding="utf-8"))
    names = classes.split()
    text = "#ffffff" if "badge" in names else "#212529"  # Bootstrap: white badges, dark body text
    background = None
    for name in names:
        if name.startswith("bg-"):
            background = bootstrap_colour(name.removeprefix("bg-"))
        for selector in (f".badge.{name}", f".{name}"):
            rule = rules.get(selector, {})
            background = rule.get("background", background)
            text = rule.get("color", text)
    assert background, f"no background colour for {classes!r} in {APP_CSS.name}"
    return text, background


def luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    red, green, blue = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def badge_classes() -> list[tuple[str, str]]:
    """(model and status, classes) for every status a badge can show."""
    found = []
    for label, (normal, overdue) in STATUS_CLASSES.items():
        model = apps.get_model(label)
        for status in model.Status.values:
            found.append((f"{label} {status}", normal.format(status=status)))
        if overdue:
            found.append((f"{label} overdue", overdue))
    return found


def test_the_contrast_check_tells_readable_from_unreadable():
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#ffffff", "#15803d") >= 4.5
    assert contrast("#ffffff", "#f59e0b") < 4.5


@pytest.mark.parametrize(("status", "classes"), badge_classes())
def test_every_status_badge_has_a_colour_with_aa_contrast(status, classes):
    text, background = colours(classes)
    assert contrast(text, background) >= 4.5, f"{status}: {text} on {background}"


def test_an_overdue_referral_shows_as_overdue_and_an_open_one_by_its_status():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert status_class(Referral(status=Referral.Status.SENT, due_on=yesterday)) == "cell-state state-overdue"
    assert status_class(Referral(status=Referral.Status.FULFILLED, due_on=yesterday)) == "cell-state state-fulfilled"
    tomorrow = yesterday + datetime.timedelta(days=2)
    assert status_class(Referral(status=Referral.Status.SENT, due_on=tomorrow)) == "cell-state state-sent"


def test_no_template_comment_spans_lines():
    """`{# … #}` ends on its own line; one that spans lines is printed on the page as text."""
    broken = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert broken == []


@pytest.mark.parametrize(
    ("record", "size", "expected", "in_english"),
    [
        (
            Household(status=Household.Status.EXTREME_POOR),
            "",
            '<span class="badge status-extreme_poor">Miskin ekstrem</span>',
            '<span class="badge status-extreme_poor">Extreme poor</span>',
        ),
        (
            Household(status=Household.Status.GRADUATED),
            "fs-6",
            '<span class="badge status-graduated fs-6">Graduasi</span>',
            '<span class="badge status-graduated fs-6">Graduated</span>',
        ),
        (
            Referral(status=Referral.Status.SENT, due_on=datetime.date(2024, 1, 2)),
            "",
            '<span class="cell-state state-overdue">Dirujuk · terlambat</span>',
            '<span class="cell-state state-overdue">Referred · overdue</span>',
        ),
    ],
)
def test_a_status_badge_names_the_status_in_the_users_language_and_says_if_overdue(record, size, expected, in_english):
    assert status_badge(record, size) == expected
    with translation.override("en"):
        assert status_badge(record, size) == in_english
