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
