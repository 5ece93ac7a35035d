"""Helpers to read our pages and walk the questionnaire like a person would (no JavaScript)."""

from __future__ import annotations

from html.parser import HTMLParser

from app.services.language import LANGUAGES


class Page(HTMLParser):
    """The forms, headings, ids and title of one HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.h1: list[str] = []
        self.ids: list[str] = []
        self.title = ""
        self.html_attrs: dict = {}
        self._in = None
        self._form = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "html":
            self.html_attrs = attrs
        elif tag == "form":
            self._form = {"action": attrs.get("action", ""), "method": attrs.get("method", "get"), "fields": {},
                          "buttons": []}
            self.forms.append(self._form)
        elif tag == "button" and self._form is not None:
            self._form["buttons"].append(attrs)
        elif tag in ("input", "select") and self._form is not None:
            self._form["fields"].setdefault(attrs.get("name"), []).append({"type": tag, **attrs})
        elif tag in ("h1", "title"):
            self._in = tag
            if tag == "h1":
                self.h1.append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "h1":
            self.h1[-1] += data
        elif self._in == "title":
            self.title += data

    def form(self, action_end: str) -> dict:
        """The form posting to an address ending so (its own action, or a button's formaction)."""
        for form in self.forms:
            if form["action"].endswith(action_end):
                return form
        for form in self.forms:
            if any((b.get("formaction") or "").endswith(action_end) for b in form["buttons"]):
                return form
        raise AssertionError(f"no form posting to {action_end}")

    @staticmethod
    def hidden(form: dict) -> dict:
        return {name: inputs[0].get("value", "") for name, inputs in form["fields"].items()
                if name and inputs[0].get("type") == "hidden"}


def fields_for(key: str, household: dict, vocabulary, form: dict | None = None) -> dict:
    """Form fields that answer one question page (its question ids, comma-joined) the way
    `household` says. With the page's parsed `form`, tick boxes are told from the rest."""
    data = {}
    boxes = {name for name, inputs in (form or {}).get("fields", {}).items()
             if name and inputs[0].get("type") == "checkbox" and not name.endswith("-dont_know")}
    for qid in key.split(","):
        data.update(_fields_for_one(qid, household, vocabulary, boxes))
    return data


def _fields_for_one(qid: str, household: dict, vocabulary, boxes) -> dict:
    question = vocabulary.question(qid)
    if "." in qid:
        gid, name = qid.split(".", 1)
        given = household.get(gid)
        values = [p.get(name, "dont_know") for p in given] if isinstance(given, list) else \
            [(given or {}).get(name, "dont_know")]
    elif getattr(question, "kind", None) == "list":
        given = household.get(qid)
        values = [len(given) if isinstance(given, list) else "dont_know"]
        question = None
    else:
        values = [household.get(qid, "dont_know")]
    data = {}
    for index, value in enumerate(values):
        field = f"{qid}-{index}"
        kind = question.type if question is not None else "count"
        if field in boxes:
            if value is True:
                data[field] = "y"
            continue
        if value == "dont_know" and question is not None and not question.dont_know:
            # Not in the household and no "I don't know" on the page: answer the plainest way.
            value = False if kind == "yesno" else question.choice_values()[-1] if kind == "choice" else 0
        if value == "dont_know":
            if kind in ("yesno", "choice"):
                data[field] = "dont_know"
            else:
                data[f"{field}-dont_know"] = "y"
        elif kind == "yesno":
            data[field] = "yes" if value else "no"
        else:
            data[field] = str(value)
    return data


def walk(client, lang: str, household: dict, vocabulary, limit: int = 60):
    """Answer every question the app asks, from the start page to the results.

    Returns (pages asked in order, each as its question ids comma-joined, every response,
    the results response)."""
    responses = []
    response = client.get(f"/{lang}/")
    responses.append(response)
    response = client.post(f"/{lang}/question", data={"start": "1"})
    asked = []
    for _ in range(limit):
        responses.append(response)
        assert response.status_code == 200, response.status_code
        page = Page(response.get_data(as_text=True))
        try:
            form = page.form("/answer")
        except AssertionError:
            break
        hidden = page.hidden(form)
        asked.append(hidden["q"])
        response = client.post(f"/{lang}/answer",
                               data={**hidden, **fields_for(hidden["q"], household, vocabulary, form)})
    page = Page(response.get_data(as_text=True))
    form = page.form("/results")
    results = client.post(f"/{lang}/results", data=page.hidden(form))
    responses.append(results)
    return asked, responses, results


def check_page(response) -> Page:
    """What every rendered page must have: a title, lang and dir, unique ids, one <h1>, safe headers."""
    assert "Set-Cookie" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if response.mimetype != "text/html" or 300 <= response.status_code < 400:
        return None
    page = Page(response.get_data(as_text=True))
    assert page.title.strip()
    lang = page.html_attrs.get("lang")
    assert lang in LANGUAGES
    assert page.html_attrs.get("dir") == LANGUAGES[lang][2]  # "rtl" for a right-to-left language
    assert len(page.ids) == len(set(page.ids)), [i for i in page.ids if page.ids.count(i) > 1]
    assert len(page.h1) == 1, page.h1
    return page


class CheckedClient:
    """A test client that checks every page it gets."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        response = self.client.get(*args, **kwargs)
        check_page(response)
        return response

    def post(self, *args, **kwargs):
        response = self.client.post(*args, **kwargs)
        check_page(response)
        return response
