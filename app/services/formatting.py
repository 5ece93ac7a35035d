"""Numbers, money, percentages and dates, written and read the way a locale does.

The one place that formats (and reads back) a number for people. Babel (CLDR)
knows each locale's separators and date words; a parsed number pattern is kept
per locale, and every string made is kept too, because the same limits and
amounts come back on every page.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import math
import unicodedata

from babel import Locale
from babel.dates import format_date
from babel.numbers import parse_pattern

_CACHE_LIMIT = 20_000
_DIGITS = 400


def _with_decimals(pattern, decimals: int):
    """The locale's own number pattern (its grouping: 1,234 or 1,23,456) with a fixed number of decimals."""
    fixed = copy.copy(pattern)
    fixed.frac_prec = (decimals, decimals)
    return fixed


class Formatter:
    """Formats for one locale (``en_CA``, ``fr_CA``, ``ar``). Build once per language and share it.

    Money is Canadian dollars written "$" in every language, on the side of the number the
    locale's currency pattern puts it (CLDR). Digits are the Latin ones every locale here uses by
    default (CLDR's default numbering system for each)."""

    def __init__(self, locale: str):
        self.locale = Locale.parse(locale)
        symbols = self.locale.number_symbols["latn"]
        currency = self.locale.currency_formats["standard"].pattern.split(";")[0]
        self.currency_after = currency.index("\u00a4") > currency.index("0")
        self.decimal_mark = symbols["decimal"]
        self.decimal_comma = self.decimal_mark == ","
        self.group_mark = symbols["group"]
        standard = parse_pattern(self.locale.decimal_formats[None].pattern)
        self._patterns = {d: _with_decimals(standard, d) for d in (0, 1, 2)}
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
        """Read an amount as people write it: "$1,234.50", "1234", "1 234,50 $", "1.234,50" (vi),
        "١٬٢٣٤" (Arabic digits). Raises ValueError."""
        cleaned = _latin_digits(text).strip()
        for noise in ("CAD", "CA$", "$", "\u00a0", "\u202f", " ", "\u200f", "\u200e", "\u061c"):
            cleaned = cleaned.replace(noise, "")
        cleaned = self._one_decimal_point(cleaned)
        if not cleaned or not all(c in "0123456789.-" for c in cleaned) or cleaned.count(".") > 1:
            raise ValueError(text)
        value = float(cleaned)
        if not math.isfinite(value):
            raise ValueError(text)
        return value

    def _one_decimal_point(self, text: str) -> str:
        """Group marks dropped and the decimal mark made a point. With both a comma and a point, the
        last is the decimal mark. With one of them, it is the decimal mark when one or two digits
        follow it once, or when it is the locale's decimal mark and not three digits follow it;
        otherwise it groups thousands ("1,234" in English, "1.234" in Vietnamese)."""
        if "," in text and "." in text:
            mark = "," if text.rindex(",") > text.rindex(".") else "."
        elif "," in text or "." in text:
            mark = "," if "," in text else "."
            head, _, tail = text.rpartition(mark)
            decimal_here = len(tail) in (1, 2) and mark not in head
            if len(tail) != 3 and mark == self.decimal_mark and mark not in head:
                decimal_here = True
            if not decimal_here:
                groups = text.split(mark)[1:]  # 1,234,567 or, in Punjabi, 12,34,567
                if len(groups[-1]) != 3 or any(len(g) not in (2, 3) for g in groups):
                    return text  # not a way of writing a number: refused below
                return text.replace(mark, "")
        else:
            return text
        head, _, tail = text.rpartition(mark)
        return head.replace(",", "").replace(".", "") + "." + tail

    @staticmethod
    def read_whole_number(text: str) -> int:
        cleaned = _latin_digits(text).strip().replace(" ", "").replace("\u00a0", "")
        if not cleaned or len(cleaned) > 15 or not all(c in "0123456789" for c in cleaned):
            raise ValueError(text)
        return int(cleaned)


_ARABIC_MARKS = {"\u066b": ".", "\u066c": ",", "\u060c": ","}  # Arabic decimal and thousands marks, Arabic comma


def _latin_digits(text: str) -> str:
    """Digits of any script (Arabic-Indic ٣, Gurmukhi ੩, full-width ３) as 0-9; Arabic number marks as . and ,"""
    out = []
    for char in text:
        if char in _ARABIC_MARKS:
            out.append(_ARABIC_MARKS[char])
            continue
        digit = unicodedata.decimal(char, None) if not char.isascii() else None
        out.append(str(digit) if digit is not None else char)
    return "".join(out)
