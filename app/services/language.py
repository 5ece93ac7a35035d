"""The languages we speak: their catalogues, locale and formats, loaded once.

Every door (the pages, the command line, later the API) gets text and numbers in
a language through a :class:`Language`. Nothing here knows about Flask: a language
is plain Babel (the gettext catalogues in ``translations/`` and CLDR formats).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel.support import NullTranslations, Translations

from .formatting import Formatter

# code (in addresses and in lang=""): (CLDR locale for numbers and dates, the language's name in
# itself, text direction). The catalogue is translations/<code with _ for ->/ (zh_Hans).
LANGUAGES = {
    "en": ("en_CA", "English", "ltr"),
    "fr": ("fr_CA", "Français", "ltr"),
    "es": ("es_419", "Español", "ltr"),
    "tl": ("fil_PH", "Tagalog", "ltr"),
    "pa": ("pa_Guru_IN", "ਪੰਜਾਬੀ", "ltr"),
    "zh-Hans": ("zh_Hans_CN", "简体中文", "ltr"),
    "zh-Hant": ("zh_Hant_HK", "繁體中文", "ltr"),
    "ar": ("ar", "العربية", "rtl"),
    "uk": ("uk_UA", "Українська", "ltr"),
    "vi": ("vi_VN", "Tiếng Việt", "ltr"),
}
DEFAULT = "en"
STATUS_FILE = "status.yaml"  # who has reviewed each catalogue, beside the catalogues
# Browsers' language tags that mean one of ours without naming it (zh-TW is Traditional Chinese).
ALIASES = {"zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans",
           "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant", "fil": "tl"}


def catalogue_name(code: str) -> str:
    """The folder of a language's catalogue: zh-Hans is translations/zh_Hans."""
    return code.replace("-", "_")


@dataclass(frozen=True)
class Review:
    """Who has checked a catalogue, as translations/status.yaml records it."""

    status: str  # "source" (English), "machine" (drafted with machine help) or "reviewed" (by a person)
    reviewer: str = ""
    date: dt.date | None = None
    checks: str = ""  # what was done short of a person's review (a back-translation pass)

    @property
    def reviewed(self) -> bool:
        return self.status in ("source", "reviewed")


@dataclass
class Language:
    code: str
    name: str
    direction: str
    formatter: Formatter
    translations: NullTranslations
    review: Review = Review("source")
    _cache: dict = field(default_factory=dict, repr=False)

    def gettext(self, message: str, **variables) -> str:
        """``message`` in this language (the English itself when no translation exists)."""
        text = self._cache.get(message)
        if text is None:
            text = self._cache[message] = self.translations.gettext(message) if message else ""
        return text % variables if variables else text

    def translate(self, message: str) -> str:
        """Rule text (no placeholders to fill): program names, criteria, how to apply."""
        return self.gettext(message) if message else ""


def load_languages(translations_dir: Path | str) -> dict[str, Language]:
    """Every language, with its compiled catalogue from ``translations_dir`` when there is one."""
    reviews = read_reviews(translations_dir)
    found = {}
    for code, (locale, name, direction) in LANGUAGES.items():
        translations = Translations.load(str(translations_dir), [catalogue_name(code)])
        found[code] = Language(code, name, direction, Formatter(locale), translations,
                               reviews.get(code, Review("source" if code == DEFAULT else "machine")))
    return found


def read_reviews(translations_dir: Path | str) -> dict[str, Review]:
    """translations/status.yaml: for each language, machine-drafted or reviewed by whom and when.
    A language not in the file counts as machine-drafted: never reviewed unless the file says so."""
    path = Path(translations_dir) / STATUS_FILE
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    reviews = {}
    for code, entry in data.items():
        entry = entry or {}
        status = entry.get("status", "machine")
        reviewer, day = str(entry.get("reviewer", "")), entry.get("date")
        if status == "reviewed" and not (reviewer and isinstance(day, dt.date)):
            status = "machine"  # a review without a name and a date is not one
        reviews[str(code)] = Review(status, reviewer, day if isinstance(day, dt.date) else None,
                                    " ".join(str(entry.get("checks", "")).split()))
    return reviews


def best_match(accepted: list[str], codes) -> str | None:
    """Our language for the first of ``accepted`` (Accept-Language tags, best first) that is one:
    exactly, by an alias (zh-TW), or by its main language (fr-CA, es-MX)."""
    lowered = {code.lower(): code for code in codes}
    for tag in accepted:
        tag = tag.lower().replace("_", "-")
        main = tag.split("-")[0]
        script = tag[:7] if tag.startswith(("zh-hant", "zh-hans")) else ""  # zh-Hant-TW names its script
        for candidate in (tag, script, ALIASES.get(tag, ""), main, ALIASES.get(main, "")):
            if candidate and candidate.lower() in lowered:
                return lowered[candidate.lower()]
    return None
