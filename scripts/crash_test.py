#!/usr/bin/env python3
"""Crash test: kill the server and the worker with `kill -9` in the middle of writes, again and
again, and check that every write the server confirmed is still there.

    .venv/bin/python scripts/crash_test.py                       # SQLite, 20 rounds
    .venv/bin/python scripts/crash_test.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Each round starts `coprod serve` (gunicorn and the background worker) in a new process group; a
secretary, signed in with a login card, plans meetings through HTTP from several threads at once
(each a new connection, sent once, never retried); a write counts as confirmed when its answer (the
302 to the meeting's page) arrived. At a random moment, while writes are in flight, the whole group
is killed with SIGKILL. Then the database is read directly: every confirmed meeting must be there
(exactly once), and SQLite must pass its integrity check. After the rounds the site is started once
more and the same form is sent twice, as a tablet retrying after a crash would, to show whether a
retried request is applied twice.

On PostgreSQL the tables go into a new schema of the given database, dropped at the end.
Exit status 0 when no confirmed write was lost, 1 otherwise. A summary is printed as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
BOARD = "riverside-ld"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, cookie: str = "", form: dict | None = None):
    """One request on a new connection, sent once. Returns (status, body, set-cookie)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"Connection": "close"}
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        return response.status, data, response.getheader("Set-Cookie") or ""
    finally:
        conn.close()


def meeting_form(title: str, token: str) -> dict:
    starts = (datetime.now() + timedelta(days=30)).replace(hour=14, minute=0)
    return {"csrf_token": token, "title": title, "about": "We talk about housing.", "ends": "16:00",
            "starts": starts.strftime("%Y-%m-%dT%H:%M"), "place": "Riverside Library", "place_notes": "",
            "place_picture": "place", "online_url": "", "question_deadline": ""}


class Site:
    def __init__(self, env: dict, port: int, workers: int):
        self.env, self.port, self.workers = env, port, workers
        self.process: subprocess.Popen | None = None

    def coprod(self, *args) -> str:
        result = subprocess.run([sys.executable, "-m", "coprod.cli", *args], env=self.env, cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise SystemExit(f"coprod {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def start(self) -> float:
        began = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coprod.cli", "serve", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(self.port, "GET", "/sign-in")[0] == 200:
                    return time.monotonic() - began
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the site did not start")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to the whole group: `coprod serve`, gunicorn's master and workers, the worker."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        # Wait until every process of the group is gone (the port is free again).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            alive = subprocess.run(["ps", "-o", "pid=", "-g", str(self.process.pid)], capture_output=True,
                                   text=True).stdout.split()
            if not alive:
                return
            time.sleep(0.1)
        raise SystemExit("processes survived kill -9")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def sign_in(port: int, card_path: str) -> tuple[str, str]:
    status, page, cookie = request(port, "GET", card_path)
    token = CSRF.search(page).group(1)
    cookie = cookie.split(";", 1)[0]
    status, _body, new_cookie = request(port, "POST", card_path, cookie, {"csrf_token": token})
    assert status == 302, f"sign-in answered {status}"
    cookie = (new_cookie or cookie).split(";", 1)[0]
    status, page, new_cookie = request(port, "GET", f"/boards/{BOARD}/meetings/new", cookie)
    assert status == 200, f"the secretary could not open the form ({status})"
    cookie = (new_cookie or cookie).split(";", 1)[0]  # the session now holds the form's CSRF secret
    token = CSRF.search(page).group(1)
    status, _body, _ = request(port, "POST", f"/boards/{BOARD}/meetings/new", cookie, meeting_form("First", token))
    assert status == 302, f"the first meeting was not made ({status})"
    return cookie, token


def titles_in_database(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT title FROM meeting")).scalars())
    finally:
        engine.dispose()


def sqlite_integrity(url: str) -> str:
    import sqlite3

    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL database to use (a new schema in it)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--writers", type=int, default=4, help="threads sending writes at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn web processes")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--min-delay", type=float, default=1.0, help="shortest time to write before the kill (s)")
    parser.add_argument("--max-delay", type=float, default=4.0, help="longest time to write before the kill (s)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)

    work = Path(tempfile.mkdtemp(prefix="coprod-crash-"))
    env = dict(os.environ, COPROD_INSTANCE_PATH=str(work / "instance"), COPROD_AUDIO_ENGINE="fake",
               COPROD_PUBLIC_URL="http://127.0.0.1")
    for name in ("COPROD_QUEUE_URL", "COPROD_DATABASE_URL"):
        env.pop(name, None)
    schema = None
    if args.database_url:
        sys.path.insert(0, str(ROOT))
        from sqlalchemy import create_engine, text

        schema = f"coprod_crash_{os.getpid()}"
        engine = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        separator = "&" if "?" in args.database_url else "?"
        url = f"{args.database_url}{separator}options=-csearch_path%3D{schema}"
        env["COPROD_DATABASE_URL"] = url
    else:
        url = f"sqlite:///{work / 'instance' / 'coprod.sqlite'}"

    site = Site(env, free_port(), args.workers)
    rounds, lost_total = [], []
    try:
        lines = site.coprod("demo-data").splitlines()
        card_path = next(line.split()[-1] for line in lines if line.startswith("secretary "))
        site.start()
        cookie, token = sign_in(site.port, card_path)
        site.kill()
        confirmed: set[str] = set()
        for number in range(1, args.rounds + 1):
            started = site.start()
            stop, killed, answered = threading.Event(), threading.Event(), threading.Event()
            lock = threading.Lock()
            counts = {"confirmed": 0, "failed": 0, "other": 0}
            round_confirmed: set[str] = set()

            # This round's state is bound as defaults (the threads are joined before the next round).
            def writer(index: int, number=number, stop=stop, killed=killed, answered=answered, lock=lock,
                       counts=counts, round_confirmed=round_confirmed):
                sequence = 0
                while not stop.is_set():
                    sequence += 1
                    title = f"Crash {number}-{index}-{sequence}"
                    try:
                        status, _body, _ = request(site.port, "POST", f"/boards/{BOARD}/meetings/new", cookie,
                                                   meeting_form(title, token))
                    except (OSError, http.client.HTTPException):
                        if not killed.is_set():
                            raise
                        with lock:
                            counts["failed"] += 1
                        return  # the server is gone: this write's answer never came
                    answered.set()
                    with lock:
                        if status == 302:
                            round_confirmed.add(title)
                            counts["confirmed"] += 1
                        else:
                            counts["other"] += 1

            threads = [threading.Thread(target=writer, args=(i,)) for i in range(args.writers)]
            for thread in threads:
                thread.start()
            delay = rng.uniform(args.min_delay, args.max_delay)
            # The time to the kill counts from the first answer: on a busy machine the web processes
            # can take longer than the whole delay to answer at all, and a round with no write is no test.
            if not answered.wait(timeout=120):
                raise SystemExit("no write was answered within 120 s")
            time.sleep(delay)
            killed.set()
            site.kill()
            stop.set()
            for thread in threads:
                thread.join()
            confirmed |= round_confirmed
            present = titles_in_database(url)
            lost = sorted(confirmed - set(present))
            duplicates = len(present) - len(set(present))
            in_round = {t for t in present if t.startswith(f"Crash {number}-")}
            result = {"round": number, "start_s": round(started, 2), "killed_after_s": round(delay, 2),
                      "confirmed": counts["confirmed"], "failed_by_the_kill": counts["failed"],
                      "other_answers": counts["other"], "lost": len(lost), "duplicates": duplicates,
                      "applied_but_not_confirmed": len(in_round - round_confirmed)}
            if not schema:
                result["integrity"] = sqlite_integrity(url)
            rounds.append(result)
            lost_total += lost
            print(json.dumps(result), flush=True)

        # A retried request: the same form sent twice (the answer to the first was "lost").
        site.start()
        title = "Retried after a crash"
        answers = [request(site.port, "POST", f"/boards/{BOARD}/meetings/new", cookie,
                           meeting_form(title, token))[0] for _ in range(2)]
        site.stop()
        copies = titles_in_database(url).count(title)
        summary = {
            "database": "postgresql" if schema else "sqlite", "seed": seed, "rounds": len(rounds),
            "confirmed_writes": len(confirmed), "lost_confirmed_writes": len(lost_total),
            "lost_examples": lost_total[:5],
            "integrity_ok": all(r.get("integrity", "ok") == "ok" for r in rounds),
            "writes_cut_by_the_kill": sum(r["failed_by_the_kill"] for r in rounds),
            "applied_but_not_confirmed": sum(r["applied_but_not_confirmed"] for r in rounds),
            "retry_answers": answers, "retry_copies_made": copies,
        }
        print(json.dumps(summary, indent=1))
        return 0 if not lost_total and summary["integrity_ok"] else 1
    finally:
        if site.process and site.process.poll() is None:
            site.kill()
        if schema:
            from sqlalchemy import create_engine, text

            engine = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
