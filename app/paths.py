"""Where the rules and the catalogues are, unless configuration says otherwise.

The engine and the services take their folders as arguments; the web app and the
command line pass these defaults (the repository's own ``rules/`` and ``translations/``),
or the folders named by ``BENEFITS_FINDER_RULES`` / ``BENEFITS_FINDER_TRANSLATIONS``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = Path(os.environ.get("BENEFITS_FINDER_RULES") or ROOT / "rules")
TRANSLATIONS_DIR = Path(os.environ.get("BENEFITS_FINDER_TRANSLATIONS") or ROOT / "translations")
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
