"""Languages: which one a page is in, and numbers and money written its way.

The language is always in the URL (/en/..., /fr/...). Text from the rule
files is English source text and goes through the same gettext catalogues as
the templates (see ``app/babel_extract.py``).
"""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import g, request
from flask_babel import gettext

LANGUAGES = {"en": "English", "fr": "Français"}
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
DEFAULT = "en"


def current_language() -> str:
    return getattr(g, "lang", DEFAULT)


def select_locale() -> str:
    return current_language()


def best_language() -> str:
    """The visitor's preferred language among ours, from Accept-Language."""
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT)


def other_language() -> str:
    return "fr" if current_language() == "en" else "en"


def t(text: str) -> str:
    """Translate English source text that comes from the rule files."""
    return gettext(text) if text else ""


def number(value, decimals: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[current_language()])


def money(value) -> str:
    """$7,997 or $1,234.56 in English; 7 997 $ or 1 234,56 $ in French."""
    if isinstance(value, dict):  # a range from the engine
        return gettext("%(low)s to %(high)s", low=money(value["from"]), high=money(value["to"]))
    value = float(value)
    whole = abs(value - round(value)) < 0.005
    text = number(round(value) if whole else value, 0 if whole else 2)
    return f"{text}\u00a0$" if current_language() == "fr" else f"${text}"


def parse_money(text: str) -> float:
    """Read an amount as people write it: "$1,234.50", "1234", "1 234,50 $". Raises ValueError."""
    cleaned = text.strip().replace("$", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if cleaned.startswith("CAD"):
        cleaned = cleaned[3:]
    if "," in cleaned and "." not in cleaned:
        head, _, tail = cleaned.rpartition(",")
        # "1,234" is a thousands separator; "1234,50" (French) is a decimal comma.
        if len(tail) == 3 and current_language() == "en":
            cleaned = cleaned.replace(",", "")
        elif len(tail) in (1, 2) and "," not in head:
            cleaned = head + "." + tail
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", "")
    if not cleaned or not all(c.isdigit() or c in ".-" for c in cleaned) or cleaned.count(".") > 1:
        raise ValueError(text)
    return float(cleaned)


def parse_whole_number(text: str) -> int:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned.isdigit():
        raise ValueError(text)
    return int(cleaned)
