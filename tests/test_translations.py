"""English is a complete translation: every Indonesian string in the catalogue has an English text."""

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    blocks = CATALOGUE.read_text(encoding="utf-8").split("\n\n")
    return [block for block in blocks[1:] if "msgid" in block and not block.lstrip().startswith("#~")]


def test_every_message_has_an_english_translation():
    untranslated = []
    for block in entries():
        if "#, fuzzy" in block or re.search(r'^msgstr(\[\d\])? ""\n(?!")', block + "\n", re.MULTILINE):
            untranslated.append(block)
    assert not untranslated, "\n\n".join(untranslated[:5])
