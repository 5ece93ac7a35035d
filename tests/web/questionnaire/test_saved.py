"""Save my answers (a file to download) and continue from a saved file (an upload on the start page)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import tempfile

import pytest
import werkzeug.formparser
from flask import render_template_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from app.services.answers_file import (
    DAMAGED,
    FORMAT,
    MAX_BYTES,
    MESSAGES,
    NEWER,
    NO_FILE,
    NOT_OURS,
    TOO_BIG,
    write_answers_file,
)
from app.services.household import keep_what_fits
from app.web.questionnaire.carried import Carried

from ...pages import Page, check_page, walk
from ...strategies import answers

DAY = "2026-11-25"  # the screening date of the test app
PARTLY = {"region": "calgary", "status_in_canada": "citizen"}
FAMILY = {"region": "calgary", "status_in_canada": "citizen", "has_partner": False,
          "you": {"age": 29, "dtc": False, "working_income": 18000},
          "children": [{"age": 2, "dtc": False}, {"age": 5, "dtc": False}],
          "filed_taxes": True, "family_net_income": 22000}


def saved_file(answers_: dict) -> bytes:
    return json.dumps({"format": FORMAT, "version": 1, "saved_on": DAY, "answers": answers_}, indent=2).encode()


def upload(client, data: bytes | None, lang="en", filename="benefits-answers-2026-11-25.json", **extra):
    form = dict(extra)
    if data is not None:
        form["answers_file"] = (io.BytesIO(data), filename)
    return client.post(f"/{lang}/resume", data=form, content_type="multipart/form-data")


def save(client, answers_: dict, lang="en", history=()):
    return client.post(f"/{lang}/save", data={"answers": json.dumps(answers_), "history": json.dumps(list(history))})


def carried_answers(response) -> dict:
    """The answers the page carries on to the next one."""
    page = Page(response.get_data(as_text=True))
    forms = [f for f in page.forms if "answers" in f["fields"]]
    assert forms, "the page carries no answers"
    return json.loads(Page.hidden(forms[0])["answers"])


def assert_error_next_to_the_upload(response, message: str, lang="en"):
    assert response.status_code == 400, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    page = check_page(response)
    error_word = {"en": "Error: ", "fr": "Erreur : "}[lang]
    assert page.title.startswith(error_word), page.title
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert f'<a href="#answers_file">{escape(message)}</a>' in summary
    group = re.search(r'<div class="form-group form-group-error">(.*?)</div>', html, re.S).group(1)
    assert 'id="answers_file"' in group and 'type="file"' in group
    error = re.search(r'<p class="error-message" id="answers_file-error">(.*?)</p>', group, re.S).group(1)
    assert '<span class="visually-hidden">' in error and str(escape(message)) in error
    assert 'aria-describedby="answers_file-hint answers_file-error"' in group
    assert f'action="/{lang}/resume"' in html


# -- the start page -------------------------------------------------------------------------------


def test_the_start_page_offers_to_continue_from_a_file(client):
    html = client.get("/en/").get_data(as_text=True)
    form = re.search(r'<form class="resume-answers"[^>]*>', html).group(0)
    assert 'method="post"' in form and 'action="/en/resume"' in form and 'enctype="multipart/form-data"' in form
    assert 'accept=".json,application/json"' in html
    assert '<label class="label" for="answers_file">Continue from a saved file</label>' in html
    assert html.index("Start now") < html.index("<h2>Continue where you left off</h2>") < html.index("answers_file")
    assert "form-group-error" not in html and "error-summary" not in html


def test_save_and_resume_are_posts_only(client):
    for path in ("/en/save", "/en/resume", "/fr/resume"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith(path[:4])


# -- saving ----------------------------------------------------------------------------------------


def test_the_answers_are_downloaded_as_a_file(client):
    response = save(client, FAMILY, history=["region"])
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="benefits-answers-{DAY}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    document = json.loads(response.get_data())
    assert document == {"format": FORMAT, "version": 1, "saved_on": DAY, "answers": FAMILY}
    assert response.get_data(as_text=True).startswith('{\n  "format"')  # readable, not one long line


def test_only_answers_that_fit_are_saved(client):
    tampered = dict(PARTLY, region="mars", shoe_size=9)
    document = json.loads(save(client, tampered).get_data())
    assert document["answers"] == {"status_in_canada": "citizen"}


def test_nothing_answered_saves_an_empty_file_that_starts_again(client):
    data = save(client, {}).get_data()
    assert json.loads(data)["answers"] == {}
    first = client.post("/en/question", data={"start": "1"})
    resumed = upload(client, data)
    assert resumed.status_code == 200
    assert Page(resumed.get_data(as_text=True)).h1 == Page(first.get_data(as_text=True)).h1


def test_the_save_button_posts_the_carried_answers(app, client, vocabulary):
    state = Carried(keep_what_fits(FAMILY, vocabulary), ["region", "has_partner"])
    with app.test_request_context("/en/check"):
        html = render_template_string('{% from "questionnaire/_saved.html" import save_button %}'
                                      '{{ save_button(state) }}', state=state)
    assert "Save my answers" in html and "Nothing is stored here." in html
    page = Page(html)
    form = page.form("/save")
    assert form["method"] == "post" and form["action"] == "/en/save"
    fields = Page.hidden(form)
    assert json.loads(fields["history"]) == ["region", "has_partner"]
    response = client.post(form["action"], data=fields)
    assert json.loads(response.get_data())["answers"] == FAMILY


# -- continuing -----------------------------------------------------------------------------------


def test_round_trip_from_the_check_page(client, vocabulary):
    _, responses, results = walk(client, "en", FAMILY, vocabulary)
    check = Page(responses[-2].get_data(as_text=True))
    assert check.h1 == ["Check your answers"]
    carried = Page.hidden(check.form("/results"))
    data = client.post("/en/save", data=carried).get_data()

    resumed = upload(client, data)
    assert resumed.status_code == 200
    assert resumed.headers["Cache-Control"] == "no-store"
    assert Page(resumed.get_data(as_text=True)).h1 == ["Check your answers"]  # nothing left to ask
    assert carried_answers(resumed) == json.loads(carried["answers"])
    again = client.post("/en/results", data=Page.hidden(Page(resumed.get_data(as_text=True)).form("/results")))

    def without_history(response):
        return re.sub(r'name="history" value="[^"]*"', "", response.get_data(as_text=True))

    assert without_history(again) == without_history(results)


@pytest.mark.parametrize("household", [PARTLY, {"region": "edmonton"}, dict(FAMILY, children=[{"age": 3}])])
def test_resuming_shows_the_next_question_the_household_needs(client, household):
    expected = client.post("/en/question", data={"answers": json.dumps(household), "history": "[]"})
    resumed = upload(client, save(client, household).get_data())
    assert resumed.status_code == 200
    assert "/answer" in resumed.get_data(as_text=True)
    assert Page(resumed.get_data(as_text=True)).h1 == Page(expected.get_data(as_text=True)).h1
    assert Page.hidden(Page(resumed.get_data(as_text=True)).form("/answer"))["q"] == \
        Page.hidden(Page(expected.get_data(as_text=True)).form("/answer"))["q"]
    assert carried_answers(resumed) == household


def test_a_file_saved_in_french_continues_in_english(client):
    data = save(client, PARTLY, lang="fr").get_data()
    resumed = upload(client, data, lang="en")
    assert resumed.status_code == 200 and 'lang="en"' in resumed.get_data(as_text=True)
    assert carried_answers(resumed) == PARTLY


def test_a_file_edited_in_a_text_editor_still_reads(client):
    data = b"\xef\xbb\xbf" + saved_file(PARTLY).replace(b"\n", b"\r\n")
    assert carried_answers(upload(client, data, filename="answers (1).JSON")) == PARTLY


# -- files that cannot be used ----------------------------------------------------------------------


@pytest.mark.parametrize("data, message", [
    (None, NO_FILE),
    (b"", NO_FILE),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, NOT_OURS),
    (b"hello", NOT_OURS),
    ("{\"answers\": {}}".encode("utf-16"), NOT_OURS),
    (b"[1, 2, 3]", NOT_OURS),
    (json.dumps({"answers": PARTLY}).encode(), NOT_OURS),  # a household file, not a saved one
    (json.dumps({"format": "other", "version": 1, "answers": {}}).encode(), NOT_OURS),
    (json.dumps({"format": FORMAT, "answers": {}}).encode(), NOT_OURS),
    (json.dumps({"format": FORMAT, "version": 2, "answers": {}}).encode(), NEWER),
    (saved_file({"region": "mars"}), DAMAGED),
    (saved_file({"children": [{"age": 900}]}), DAMAGED),
    (saved_file(dict(PARTLY, shoe_size=9)), DAMAGED),
    (saved_file(PARTLY) + b" " * MAX_BYTES, TOO_BIG),
    (b"x" * 60_000, TOO_BIG),  # under the request limit, over the file limit
    (b"x" * 100 * 1024, TOO_BIG),  # over the request limit
    (b"x" * 3_000_000, TOO_BIG),  # a photo chosen by mistake
])
def test_each_bad_file_gets_its_message_next_to_the_upload(client, data, message):
    response = upload(client, data, filename="" if data is None else "file.json")
    assert_error_next_to_the_upload(response, message)


def test_a_form_post_without_a_file_is_asked_for_one(client):
    response = client.post("/en/resume", data={"answers_file": saved_file(PARTLY).decode()})
    assert_error_next_to_the_upload(response, NO_FILE)


def test_a_chunked_upload_too_big_gets_the_message(client):
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="answers_file"; filename="a.json"\r\n'
            f"Content-Type: application/json\r\n\r\n").encode() + b"x" * 100_000 + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/en/resume", input_stream=io.BytesIO(body),
                           content_type=f"multipart/form-data; boundary={boundary}",
                           environ_overrides={"wsgi.input_terminated": True})  # no Content-Length: chunked
    assert_error_next_to_the_upload(response, TOO_BIG)


def test_an_error_is_not_kept_in_the_start_page(app, client):
    client.get("/en/")
    assert_error_next_to_the_upload(upload(client, b"hello"), NOT_OURS)
    assert "error-summary" not in client.get("/en/").get_data(as_text=True)
    assert all("error-summary" not in page for page in app.extensions["start_pages"].values())


def test_the_message_is_in_french_on_a_french_page(app, client):
    french = app.extensions["languages"]["fr"]
    for message in MESSAGES:
        assert french.gettext(message) != message, message
    response = upload(client, b"hello", lang="fr")
    assert_error_next_to_the_upload(response, french.gettext(NOT_OURS), lang="fr")
    html = response.get_data(as_text=True)
    assert 'lang="fr"' in html and french.gettext("Continue from a saved file") in html


# -- privacy: in memory only, never logged ------------------------------------------------------------


def test_an_upload_is_never_written_to_disk(client, monkeypatch):
    def no_disk(*args, **kwargs):
        raise AssertionError("an upload was about to be written to a temporary file")

    for module in (tempfile, werkzeug.formparser):
        for name in ("SpooledTemporaryFile", "TemporaryFile", "NamedTemporaryFile"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, no_disk)
    biggest = saved_file(PARTLY)
    biggest += b" " * (MAX_BYTES - len(biggest))
    assert upload(client, biggest).status_code == 200
    assert_error_next_to_the_upload(upload(client, b"x" * 60_000), TOO_BIG)


def test_werkzeug_would_keep_any_allowed_request_in_memory_too(app):
    """Other routes use Werkzeug's parser, which spools a file part to disk past 500 KB: the request
    limit keeps every part far below that."""
    stream = werkzeug.formparser.default_stream_factory(app.config["MAX_CONTENT_LENGTH"], "multipart/form-data",
                                                        "a.json")
    assert isinstance(stream, tempfile.SpooledTemporaryFile)
    stream.write(b"x" * app.config["MAX_CONTENT_LENGTH"])
    assert not stream._rolled  # still in memory
    assert app.config["MAX_CONTENT_LENGTH"] <= 64 * 1024


def test_nothing_about_an_upload_is_logged(client, caplog):
    canary = 876543.21
    with caplog.at_level(logging.DEBUG):
        upload(client, saved_file(dict(PARTLY, family_net_income=canary)))
        upload(client, saved_file({"region": "mars", "family_net_income": canary}))
        upload(client, b"876543.21 not json")
        save(client, dict(PARTLY, family_net_income=canary))
    assert "876543" not in caplog.text


# -- whatever is uploaded, never a server error ---------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25,
)


@st.composite
def uploads(draw, vocabulary):
    kind = draw(st.sampled_from(["bytes", "json", "envelope", "answers", "changed"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    if kind == "envelope":
        document = {"format": draw(st.sampled_from([FORMAT, "x"])), "version": draw(st.one_of(st.just(1), json_values)),
                    "answers": draw(json_values)}
        return json.dumps(document).encode()
    raw = draw(answers(vocabulary))
    if kind == "changed":
        raw[draw(st.sampled_from(sorted(raw) + ["children", "you", "x"]))] = draw(json_values)
    return write_answers_file(raw, dt.date(2026, 11, 25))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_upload_gives_a_page_never_a_server_error(app, vocabulary, data):
    body = data.draw(uploads(vocabulary))
    lang = data.draw(st.sampled_from(["en", "fr"]))
    filename = data.draw(st.sampled_from(["a.json", "", "x.png", "é\u202e.json"]))
    response = upload(app.test_client(), body, lang=lang, filename=filename)
    assert response.status_code in (200, 400), response.status_code
    assert "Set-Cookie" not in response.headers
    check_page(response)
    if response.status_code == 400:
        html = response.get_data(as_text=True)
        shown = [app.extensions["languages"][lang].gettext(m) for m in MESSAGES]
        assert any(str(escape(message)) in html for message in shown)
