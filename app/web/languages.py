"""Which language a page is in: always the first part of its address (/en/, /fr/).

The catalogues and formats are the service layer's :class:`~app.services.language.Language`;
here they are bound to the request, and Jinja's ``_`` reads the request's language
(a dictionary lookup, so a page can use it freely).
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, g, request
from markupsafe import Markup

from app.services.language import DEFAULT, best_match


def languages() -> dict:
    return current_app.extensions["languages"]


def current():
    """The request's Language (the default one before a route has set it). Templates call this for
    every piece of text, so it reads the request's globals once."""
    here = g._get_current_object()
    try:
        return here.language
    except AttributeError:
        here.language = languages()[getattr(here, "lang", None) or DEFAULT]
        return here.language


def in_addresses(bp: Blueprint) -> None:
    """A blueprint whose addresses start with the language: read it from each address (404 for one we do
    not speak), and put the current one in the addresses the blueprint builds."""

    @bp.url_value_preprocessor
    def pick_language(endpoint, values):
        if values is not None and "lang" in values:
            lang = values.pop("lang")
            if lang not in languages():
                abort(404)
            use(lang)

    @bp.url_defaults
    def keep_language(endpoint, values):
        if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.get("lang") or DEFAULT


def use(code: str) -> None:
    g.lang = code
    g.language = languages()[code]


def best_language() -> str:
    """The visitor's preferred language among ours, from Accept-Language (zh-TW is zh-Hant)."""
    accepted = [tag for tag, quality in request.accept_languages if quality > 0]
    return best_match(accepted, languages()) or DEFAULT


def language_of_path(path: str) -> str:
    """The language an address is in, for pages no route answered (a 404, say)."""
    first = path.strip("/").split("/", 1)[0]
    return first if first in languages() else best_language()


def gettext(message: str, **variables) -> str:
    return current().gettext(message, **variables)


def install(app: Flask, loaded: dict) -> None:
    """Make the languages known to the app and its templates."""
    app.extensions["languages"] = loaded
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(
        lambda message: current().gettext(message),
        lambda singular, plural, n: current().translations.ngettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        LANGUAGES={code: language.name for code, language in loaded.items()},
        LANGUAGE_LIST=list(loaded.values()),
        language=current,
        kept=kept,
    )
    app.extensions["kept"] = {}


def kept(key: str, caller) -> Markup:
    """A part of a page that reads the same for every visitor in a language (the language menu, a
    row of buttons), rendered once per language and then reused: ``{% call kept("key") %}…{% endcall %}``.

    Nothing inside may depend on the household, the answers or the request beyond its language."""
    parts = current_app.extensions["kept"]
    code = current().code
    found = parts.get((code, key))
    if found is None:
        found = parts[(code, key)] = Markup(caller())
    return found


def per_language(app: Flask, make) -> dict:
    """language code -> ``make(code)``, called in a request in that language (so a template module
    it loads, and any text it renders, are in that language)."""
    made = {}
    for code in app.extensions["languages"]:
        with app.test_request_context(f"/{code}/"):
            use(code)
            made[code] = make(code)
    return made
