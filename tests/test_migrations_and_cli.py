"""The migrations build exactly the models' schema; the coprod command works."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pyotp
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from conftest import DATABASE_URL, config_for_tests
from coprod import create_app
from coprod.models import Base


def _empty_database_url(tmp_path) -> str:
    if DATABASE_URL.startswith("postgresql"):
        from conftest import _BASE_DATABASE_URL, PG_SCHEMA, _schema_url

        return _schema_url(_BASE_DATABASE_URL, f"{PG_SCHEMA}_migrations")
    return f"sqlite:///{tmp_path / 'migrated.sqlite'}"


def test_upgrade_from_empty_gives_the_models_schema(tmp_path):
    from flask_migrate import upgrade

    url = _empty_database_url(tmp_path)
    app = create_app(config_for_tests(SQLALCHEMY_DATABASE_URI=url))
    try:
        with app.app_context():
            upgrade()
            from coprod.extensions import db

            with db.engine.connect() as connection:
                differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            db.engine.dispose()
    finally:
        if DATABASE_URL.startswith("postgresql"):
            from conftest import PG_SCHEMA, drop_schema

            drop_schema(f"{PG_SCHEMA}_migrations")
    assert differences == [], "models changed without a migration: run `flask --app coprod db migrate`"


def _run_coprod(*args, instance, env_extra=None):
    env = dict(os.environ, COPROD_INSTANCE_PATH=str(instance), COPROD_PUBLIC_URL="http://tablet.test")
    env.pop("COPROD_DATABASE_URL", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "coprod.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow  # loads the whole demo twice
def test_demo_data_prints_a_sign_in_link_for_every_role_and_can_run_again(tmp_path):
    first = _run_coprod("demo-data", instance=tmp_path)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    roles = {line.split()[0] for line in lines}
    assert roles == {"admin", "secretary", "commissioner", "member", "carer", "supporter"}
    for line in lines:
        assert re.fullmatch(r"[a-z]+ [A-Z][\w' -]+ /card/[\w-]{40,}", line), line

    second = _run_coprod("demo-data", instance=tmp_path)
    assert second.returncode == 0, second.stderr
    assert len(second.stdout.strip().splitlines()) == len(lines), "no duplicate people"
    assert set(second.stdout.split()) & {line.split()[-1] for line in lines} == set(), "fresh cards each time"

    # The printed links really sign people in.
    # The same code key as the demo's instance folder: card codes are hashed with it.
    app = create_app(config_for_tests(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'coprod.sqlite'}",
                                      CODE_KEY=(tmp_path / "code_key").read_text().strip()))
    client = app.test_client()
    path = second.stdout.strip().splitlines()[0].split()[-1]
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed_in = client.post(path, data={"csrf_token": token})
    assert signed_in.status_code == 302
    # Priya is a site admin: admins must use an authenticator app, and the demo set one up for her
    # (its key printed on stderr). Type its code, as the accessibility crawl does.
    assert signed_in.location.startswith("/sign-in/second-step")
    secret = re.search(r"^authenticator-app Priya Shah ([A-Z2-7]+)$", second.stderr, re.M).group(1)
    step = client.post(signed_in.location, data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert step.status_code == 302, step.get_data(as_text=True)[:500]
    assert re.search(r"<h1[^>]*>Hello (<bdi>)?Priya Shah(</bdi>)?</h1>", client.get("/").get_data(as_text=True))


@pytest.mark.slow
def test_serve_runs_gunicorn_with_the_worker_and_migrates_first(tmp_path):
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, COPROD_INSTANCE_PATH=str(tmp_path))
    env.pop("COPROD_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "coprod.cli", "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60  # migrations from empty, then gunicorn; CI runs 3 test processes beside it
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=2) as response:
                    assert response.status == 200
                    assert "Content-Security-Policy" in response.headers
                    break
            except OSError:
                assert time.monotonic() < deadline, "the site did not start"
                time.sleep(0.3)
        processes = subprocess.run(["ps", "-o", "args=", "--sid", str(server.pid)], capture_output=True, text=True).stdout
        assert "gunicorn" in processes and "worker" in processes
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
