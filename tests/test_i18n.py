"""Every string goes through Babel, Welsh is complete, and the person's language is remembered."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["cy", "ur"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Extract every marked string from the code and templates as they are now."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--no-location", "--ignore-dirs", ".*", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    with pot.open("rb") as f:
        return read_po(f)


def test_every_string_in_every_template_is_extracted(extracted):
    """Babel skips a template it cannot read, and folders starting with "_", without a word: so
    check that each simple _("...") in the templates really reached the catalog."""
    literal = re.compile(r'\b_\("((?:[^"\\]|\\.)*)"')
    known = {message.id for message in extracted if message.id}
    lost = sorted({(path.relative_to(ROOT).as_posix(), text.replace('\\"', '"'))
                   for path in (ROOT / "templates").rglob("*.html")
                   for text in literal.findall(re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S))
                   if text.replace('\\"', '"') not in known})
    assert not lost, f"strings Babel did not extract (check babel.cfg): {lost[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_string_translated(extracted, language):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    missing, untranslated, fuzzy, broken = [], [], [], []
    for message in extracted:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None:
            missing.append(message.id)
        elif not found.string or (isinstance(found.string, tuple) and not all(found.string)):
            untranslated.append(message.id)
        elif found.fuzzy:
            fuzzy.append(message.id)
        else:
            source = message.id if isinstance(message.id, str) else message.id[0]
            targets = found.string if isinstance(found.string, tuple) else (found.string,)
            for target in targets:
                if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                    broken.append(message.id)
    assert not missing, f"{language}: not in the catalog (run scripts/translations.sh update, then translate): {missing}"
    assert not untranslated, f"{language}: not translated: {untranslated}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy}"
    assert not broken, f"{language}: placeholders differ: {broken}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_is_up_to_date(language):
    folder = ROOT / "translations" / language / "LC_MESSAGES"
    mo = folder / "messages.mo"
    assert mo.exists() and mo.stat().st_mtime >= (folder / "messages.po").stat().st_mtime, \
        "run scripts/translations.sh compile (the set-up and test commands do it)"


def test_no_mo_files_are_committed():
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked.strip() == ""


def test_welsh_from_the_browser_then_from_the_person(client, factory, signed_in):
    page = client.get("/", headers={"Accept-Language": "cy,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert "Croeso i Coprod" in page

    sam = factory.person("Sam Taylor", board=factory.board())
    tablet = signed_in(sam)
    tablet.post("/language", {"locale": "cy", "next": "/"})
    home = tablet.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="cy"' in home, "the person's own choice beats the browser"

    other_device = signed_in(sam)
    assert '<html lang="cy"' in other_device.get("/account").get_data(as_text=True), "remembered on every device"


def test_settings_are_remembered_and_applied(factory, signed_in, client):
    sam = factory.person(board=factory.board())
    tablet = signed_in(sam)
    response = tablet.post("/settings", {"text_size": "larger", "contrast": "high", "locale": "en"})
    assert response.status_code == 302
    html = tablet.get("/").get_data(as_text=True)
    assert 'class="text-larger contrast-high"' in html
    # Signed out, a browser keeps its own settings.
    client.post("/settings", {"text_size": "large", "contrast": "normal", "locale": "cy"})
    assert 'class="text-large contrast-normal"' in client.get("/").get_data(as_text=True)


def test_bad_language_is_refused(client):
    assert client.post("/language", {"locale": "xx"}).status_code == 400
    response = client.post("/settings", {"text_size": "huge", "contrast": "normal", "locale": "en"})
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
