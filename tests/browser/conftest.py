"""Browser tests: the real demo site in a real headless Chromium.

Fixtures for every test in this folder (each test here is marked `browser` automatically):

- `site`: `coprod demo-data` in a throw-away instance folder, served by `coprod serve` (gunicorn and
  the audio worker) on a free port. One site for the whole run: tests that change its data leave it
  as they found it where another test could notice (e.g. the language a person chose).
- `browser`: one headless Chromium for the whole run (a fake microphone playing a steady beep, allowed
  without asking). Each test opens its own `new_context(browser)`: fresh cookies, a tablet held upright.

Helpers to import: `pages.py` (signing in, viewports, `assert_page_ok`), `browser_support.py`
(axe-core, 44px targets, the skip link, links on a page).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from . import browser_support as bs
from .pages import PROJECT, ROLES, Person, Site

# A missing browser is a failure, not a skip: scripts/test installs Debian's chromium.
assert bs.find_chromium(), "Chromium is missing: run scripts/test (it installs it) or apt-get install chromium"

from playwright import sync_api  # noqa: E402

HERE = Path(__file__).resolve().parent


def pytest_itemcollected(item):
    """Every test in this folder needs Chromium: mark it `browser` (so `-m "not browser"` leaves it out).
    With pytest-xdist they all go to one worker, in order, sharing one site and one browser, while the
    other workers run the rest of the suite (see pytest_xdist_make_scheduler in tests/conftest.py)."""
    if HERE in Path(str(item.fspath)).resolve().parents:
        item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child_env(instance: Path, base_url: str) -> dict:
    # Nothing from the caller's COPROD_* settings (or conftest's) leaks into the server.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("COPROD_") or k == "COPROD_CHROMIUM"}
    env.update(
        COPROD_INSTANCE_PATH=str(instance),
        COPROD_PUBLIC_URL=base_url,
        COPROD_SECRET_KEY="a11y-test-secret-key-not-for-production",
        COPROD_QUEUE_URL=f"sqlite:///{instance / 'queue.sqlite'}",
        # The crawl signs staff in with their cards; the second factor has its own tests
        # (tests/test_two_factor.py), and the crawl still visits its pages from the account page.
        COPROD_REQUIRE_2FA_FOR="none",
        # Audio is made when a page asks (the page being read first): making the whole site's
        # ahead of time would compete with the crawl for CPU. tests/test_listen_ready.py covers it.
        COPROD_DEMO_AUDIO_AHEAD="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _parse_people(stdout: str) -> list[Person]:
    people = []
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ROLES and parts[-1].startswith("/card/"):
            people.append(Person(parts[0], " ".join(parts[1:-1]), parts[-1]))
    return people


def _stop(proc: subprocess.Popen) -> None:
    """Stop `coprod serve` and everything it started (its own process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    # Children (gunicorn master + workers, the queue worker) may outlive the parent.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if proc.poll() is None:
        proc.wait(timeout=5)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("a11y")
    instance = folder / "instance"
    instance.mkdir()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _child_env(instance, base_url)

    demo = subprocess.run([sys.executable, "-m", "coprod.cli", "demo-data"], env=env, cwd=PROJECT,
                          capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, f"demo-data failed:\n{demo.stdout}\n{demo.stderr}"
    people = _parse_people(demo.stdout)
    missing = [r for r in ROLES if not any(p.role == r for p in people)]
    assert not missing, f"demo-data printed no person for {missing}:\n{demo.stdout}"

    log = folder / "server.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "coprod.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env, cwd=PROJECT, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120  # a busy machine (2 cores, other test runs) boots gunicorn slowly
        while True:
            if proc.poll() is not None:
                pytest.fail(f"coprod serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(base_url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{base_url}/ did not answer 200 within 120 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.25)
        yield Site(base_url, people, log)
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as pw:
        # A fake microphone (a steady beep), allowed without asking: spoken questions are recorded for real.
        b = bs.launch_browser(pw, extra_args=["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
        try:
            yield b
        finally:
            b.close()
