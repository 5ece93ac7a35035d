"""Numbers, money, percentages and dates, written and read the way a locale does.

The one place that formats (and reads back) a number for people. Babel (CLDR)
knows each locale's separators and date words; a parsed number pattern is kept
per locale, and every string made is kept too, because the same limits and
amounts come back on every page.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math

from babel import Locale
from babel.dates import format_date
from babel.numbers import parse_pattern

_CACHE_LIMIT = 20_000
_DIGITS = 400


class Formatter:
    """Formats for one locale (``en_CA``, ``fr_CA``). Build once per language and share it."""

    def __init__(self, locale: str):
        self.locale = Locale.parse(locale)
        self.currency_after = self.locale.language == "fr"
        self.decimal_comma = self.locale.number_symbols["latn"]["decimal"] == ","
        self._patterns = {d: parse_pattern("#,##0" + ("." + "0" * d if d else "")) for d in (0, 1, 2)}
        self._numbers: dict = {}
        self._dates: dict = {}

    # -- writing ----------------------------------------------------------------------

    def number(self, value, decimals: int = 0) -> str:
        """1,234 or 1 234 (fr); ``decimals`` places kept."""
        key = (value, decimals)
        text = self._numbers.get(key)
        if text is None:
            if len(self._numbers) > _CACHE_LIMIT:
                self._numbers.clear()
            with decimal.localcontext() as context:
                context.prec = _DIGITS  # Babel rounds in Decimal: room for any float's digits (1e308 has 309)
                text = self._numbers[key] = self._patterns[decimals].apply(value, self.locale)
        return text

    def money(self, value) -> str:
        """$7,997 or $1,234.56 in English; 7 997 $ or 1 234,56 $ in French. Cents only when there are some."""
        value = float(value)
        if not math.isfinite(value):
            raise ValueError("money must be a finite number")
        whole = abs(value - round(value)) < 0.005
        text = self.number(round(value) if whole else value, 0 if whole else 2)
        return f"{text}\u00a0$" if self.currency_after else f"${text}"

    def plain_amount(self, value) -> str:
        """An amount as a person would type it back into a box: no currency sign."""
        return self.money(value).replace("$", "").replace("\u00a0", "").strip()

    def whole_dollars(self, value) -> str:
        return self.money(round(float(value)))

    def signed_dollars(self, value) -> str:
        """A change in whole dollars: +$1,234, −$1,234 (a true minus sign) or $0."""
        whole = round(float(value))
        if whole == 0:
            return self.money(0)
        return ("+" if whole > 0 else "\u2212") + self.money(abs(whole))

    def percent(self, rate) -> str:
        """A rate (0.135) as a percentage: 13.5 % (13,5 % in French)."""
        return self.number(rate * 100, 2).rstrip("0").rstrip(",.") + "\u00a0%"

    def value(self, value, unit: str) -> str:
        """A number written for its unit: money, rate or a plain number."""
        if unit == "money":
            return self.money(value)
        if unit == "rate":
            return self.percent(value)
        return self.number(value)

    def date(self, day: dt.date) -> str:
        """A date written out: November 25, 2026 / 25 novembre 2026."""
        text = self._dates.get(day)
        if text is None:
            if len(self._dates) > 1000:
                self._dates.clear()
            text = self._dates[day] = format_date(day, "long", locale=self.locale)
        return text

    # -- reading ----------------------------------------------------------------------

    def read_money(self, text: str) -> float:
        """Read an amount as people write it: "$1,234.50", "1234", "1 234,50 $". Raises ValueError."""
        cleaned = text.strip().replace("$", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if cleaned.startswith("CAD"):
            cleaned = cleaned[3:]
        if "," in cleaned and "." not in cleaned:
            head, _, tail = cleaned.rpartition(",")
            # "1,234" is a thousands separator where the decimal mark is a point; "1234,50" is a decimal comma.
            if len(tail) == 3 and not self.decimal_comma:
                cleaned = cleaned.replace(",", "")
            elif len(tail) in (1, 2) and "," not in head:
                cleaned = head + "." + tail
            else:
                cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(",", "")
        if not cleaned or not all(c in "0123456789.-" for c in cleaned) or cleaned.count(".") > 1:
            raise ValueError(text)
        value = float(cleaned)
        if not math.isfinite(value):
            raise ValueError(text)
        return value

    @staticmethod
    def read_whole_number(text: str) -> int:
        cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
        if not cleaned or len(cleaned) > 15 or not all(c in "0123456789" for c in cleaned):
            raise ValueError(text)
        return int(cleaned)
