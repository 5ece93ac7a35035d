"""The language is in the address; pages say their language and direction; the toggle keeps answers."""

import pytest

from app import create_app
from app.services import language

from ..pages import check_page


@pytest.fixture
def app_with_a_right_to_left_language(monkeypatch):
    # A language without a catalogue yet shows the English text, but in its own direction.
    monkeypatch.setitem(language.LANGUAGES, "ar", ("ar", "العربية", "rtl"))
    return create_app({"TESTING": True, "SCREENING_DATE": "2026-11-25"})


def test_a_right_to_left_language_gets_dir_rtl(app_with_a_right_to_left_language):
    client = app_with_a_right_to_left_language.test_client()
    for response in (client.get("/ar/"), client.get("/ar/nowhere"), client.post("/ar/check", data={})):
        assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)
        check_page(response)
    assert '<html lang="en" dir="ltr">' in client.get("/en/").get_data(as_text=True)


def test_the_page_check_refuses_a_wrong_direction(app_with_a_right_to_left_language):
    response = app_with_a_right_to_left_language.test_client().get("/ar/")
    response.set_data(response.get_data(as_text=True).replace('dir="rtl"', 'dir="ltr"'))
    with pytest.raises(AssertionError):
        check_page(response)


def test_parts_kept_once_per_language_stay_in_their_own_language(app, client):
    """The footer and the workspace's language menu are rendered once per language and kept: each
    language keeps its own, whichever was asked for first, and they read as rendered afresh."""
    english_first = [client.get(f"/{code}/caseworker").get_data(as_text=True) for code in ("en", "fr", "en")]
    fresh = create_app({"TESTING": True, "SCREENING_DATE": "2026-11-25"}).test_client()
    french_first = [fresh.get(f"/{code}/caseworker").get_data(as_text=True) for code in ("fr", "en")]
    assert english_first[0] == english_first[2] == french_first[1]
    assert english_first[1] == french_first[0]
    footer = english_first[1].split('<footer class="site-footer">', 1)[1]
    stored = "Nothing you enter is stored. Your answers stay in this page until you close it."
    french = app.extensions["languages"]["fr"].gettext(stored)
    assert french != stored and french in footer and stored not in footer
    menu = english_first[0].split('class="language-list"', 1)[1].split("</ul>", 1)[0]
    assert 'formaction="/fr/caseworker"' in menu and 'formaction="/en/caseworker"' not in menu
