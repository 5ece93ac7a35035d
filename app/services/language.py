"""The languages we speak: their catalogues, locale and formats, loaded once.

Every door (the pages, the command line, later the API) gets text and numbers in
a language through a :class:`Language`. Nothing here knows about Flask: a language
is plain Babel (the gettext catalogues in ``translations/`` and CLDR formats).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.support import NullTranslations, Translations

from .formatting import Formatter

# code: (locale for numbers and dates, the language's name in itself, text direction)
LANGUAGES = {
    "en": ("en_CA", "English", "ltr"),
    "fr": ("fr_CA", "Français", "ltr"),
}
DEFAULT = "en"


@dataclass
class Language:
    code: str
    name: str
    direction: str
    formatter: Formatter
    translations: NullTranslations
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
    found = {}
    for code, (locale, name, direction) in LANGUAGES.items():
        translations = Translations.load(str(translations_dir), [code])
        found[code] = Language(code, name, direction, Formatter(locale), translations)
    return found
