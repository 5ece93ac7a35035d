"""The catalogues match the sources, and French is complete."""

from pathlib import Path

from app import catalogs

ROOT = Path(__file__).resolve().parents[1]


def test_catalogues_are_up_to_date_and_complete():
    problems = catalogs.problems()
    assert not problems, "\n".join(problems[:30]) + f"\n({len(problems)} in all; run `make translations`)"


def test_french_placeholders_match_the_english():
    french = {m.id: m.string for m in catalogs.catalogue("fr") if m.id}
    import re

    for english, translated in french.items():
        if isinstance(english, tuple):  # a plural: every form keeps the plural's placeholders
            pairs = [(english[1], form) for form in translated]
        else:
            pairs = [(english, translated)]
        for source, target in pairs:
            for pattern in (r"%\(\w+\)s", r"\{\w+\}"):
                assert sorted(set(re.findall(pattern, source))) == sorted(set(re.findall(pattern, target))), source


def test_catalogues_compile(tmp_path, monkeypatch):
    from babel.support import Translations

    monkeypatch.setattr(catalogs, "TRANSLATIONS", tmp_path)
    for lang in catalogs.LANGUAGES:
        source = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
        (tmp_path / lang / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / lang / "LC_MESSAGES" / "messages.po").write_bytes(source.read_bytes())
        catalogs.compile_catalogue(lang)
        translations = Translations.load(str(tmp_path), [lang])
        translated = translations.gettext("Choose a language")
        assert translated == "Choose a language" if lang == "en" else translated not in ("", "Choose a language"), lang
