"""Identity numbers (NIK, No. KK) as the app shows them: masked, in screens, files and free text.
The rules that validate them live with the data, in households/nik.py (docs/DOMAIN.md, "Identity numbers")."""

import re


def mask(value: str) -> str:
    """`6271041234560003` -> `6271••••••••0003`; anything else is returned unchanged."""
    if value and len(value) == 16:
        return f"{value[:4]}{'•' * 8}{value[-4:]}"
    return value


# Ten or more digits, perhaps with the separators people type ("6271 0405 0680 0001"): an identity number.
NUMBER_IN_TEXT = re.compile(r"\d(?:[\s.\-']?\d){9,}")
KEMENDAGRI_CODE = re.compile(r"62\.71\.\d{2}\.\d{4}")


def mask_numbers_in(text: str) -> str:
    """Mask every identity-number-like run of digits in free text, e.g. a cell quoted in an import error."""

    def masked(match: re.Match[str]) -> str:
        if KEMENDAGRI_CODE.fullmatch(match.group()):
            return match.group()  # a kelurahan's code as the office wrote it (62.71.04.1004): no one's number
        digits = re.sub(r"\D", "", match.group())
        return f"{digits[:4]}{'•' * (len(digits) - 8)}{digits[-4:]}"

    return NUMBER_IN_TEXT.sub(masked, text)
