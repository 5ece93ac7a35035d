"""The application factory loads the rules once and refuses to start on broken ones."""

import shutil
from pathlib import Path

import pytest

from app import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_start_page_lists_programs():
    client = create_app({"TESTING": True}).test_client()
    response = client.get("/en/")
    assert response.status_code == 200
    assert b"Canada Child Benefit" in response.data
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_refuses_to_start_on_broken_rules(tmp_path, capsys):
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    program = rules_dir / "programs" / "federal" / "gst_hst_credit.yaml"
    program.write_text(program.read_text().replace("condition: filed_taxes", "condition: filed_taxez"))
    with pytest.raises(SystemExit):
        create_app({"RULES_DIR": str(rules_dir)})
    assert "rules/programs/federal/gst_hst_credit.yaml:" in capsys.readouterr().err


def test_the_engine_and_the_services_import_nothing_from_flask():
    import subprocess
    import sys

    modules = ["app.engine", "app.engine.examples", "app.cli"] + [
        f"app.services.{path.stem}" for path in (ROOT / "app" / "services").glob("*.py") if path.stem != "__init__"]
    code = f"import sys, {', '.join(modules)}; print('flask' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"
