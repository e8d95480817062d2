#!/usr/bin/env python3
"""The page benchmark (issue 15; the targets are in /work/shared/brief/performance.md). Not a test:
it measures, it does not pass or fail.

    # a data set first (see `coprod national-data --help`), then:
    COPROD_DATABASE_URL=sqlite:////tmp/bench/national.sqlite COPROD_INSTANCE_PATH=/tmp/bench \\
        .venv/bin/python scripts/benchmark.py --label before

For each page type, on the biggest board of the data set (national-001, or --board):

- SQL statements per request (counted with a SQLAlchemy event), and median and p95 server time,
  through the app in this process (Flask's test client: no network, no server);
- bytes of the answer, plain and gzip-compressed (level 6, as a server would send it);
- requests per second through gunicorn (sync workers) on 127.0.0.1, against a bare Flask "hello"
  (scripts/bench_bare.py) served the same way in the same run: the targets are measured in turn,
  several rounds in a different order each round, and the median of the rounds is kept.

The load generator is this script (asyncio, new connection per request as gunicorn's sync workers
close them), on the same machine: the ratio to bare Flask is what to compare between runs.

Results go into docs/benchmark.json under the run's label (other labels' results are kept), and
docs/performance.md is written again from all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.client
import json
import os
import platform
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# (name, who looks, path); {coming}: the meeting with its agenda out, {asking}: the one taking
# questions, {proposal}: the proposal with most votes, {open}: the latest (open) proposal.
PAGES = [
    ("meeting", "member", "/meetings/next"),
    ("agenda", "member", "/meetings/{coming}"),
    ("pack", None, "/meetings/{coming}/pack"),
    ("tracker", None, "/said-did"),
    ("public questions", "member", "/meetings/{coming}/questions"),
    ("question queue", "secretary", "/meetings/{asking}/questions/manage"),
    ("proposal", "secretary", "/proposals/{proposal}"),
    ("vote", "member", "/votes/{open}"),
    ("dashboard", None, "/said-did/dashboard"),
    ("records.csv", None, "/said-did/records.csv"),
    ("records.json", None, "/said-did/records.json"),
]


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def data_set(board_slug: str | None) -> dict:
    """What the database holds, and the pages' paths on the chosen board."""
    from sqlalchemy import func, select

    from coprod.extensions import db
    from coprod.models import (Action, Board, Meeting, MeetingStatus, Membership, Proposal, Question, Record, User,
                               Vote)

    counts = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
              for model in (Board, User, Meeting, Question, Proposal, Vote, Record, Action)}
    board = db.session.scalar(select(Board).where(Board.slug == board_slug)) if board_slug else (
        db.session.scalar(select(Board).where(Board.slug == "national-001"))
        or db.session.scalar(select(Board).order_by(Board.id).limit(1)))
    if board is None:
        raise SystemExit("no board: make a data set first (coprod national-data)")

    def meeting(status):
        return db.session.scalar(select(Meeting.id).where(Meeting.board_id == board.id, Meeting.status == status)
                                 .order_by(Meeting.starts_dt).limit(1))

    votes = (select(Proposal.id).outerjoin(Vote, Vote.proposal_id == Proposal.id).where(Proposal.board_id == board.id)
             .group_by(Proposal.id).order_by(func.count(Vote.id).desc()).limit(1))
    on_board = {
        "slug": board.slug,
        "coming": meeting(MeetingStatus.AGENDA_PUBLISHED), "asking": meeting(MeetingStatus.TAKING_QUESTIONS),
        "proposal": db.session.scalar(votes),
        "open": db.session.scalar(select(Proposal.id).where(Proposal.board_id == board.id, Proposal.closed_dt.is_(None))
                                  .order_by(Proposal.id.desc()).limit(1))
        or db.session.scalar(select(Proposal.id).where(Proposal.board_id == board.id).order_by(Proposal.id.desc()).limit(1)),
        "people": db.session.scalar(select(func.count()).select_from(Membership).where(Membership.board_id == board.id)),
        "questions": db.session.scalar(select(func.count()).select_from(Question).where(Question.board_id == board.id)),
        "records": db.session.scalar(select(func.count()).select_from(Record).where(Record.board_id == board.id)),
        "actions": db.session.scalar(select(func.count()).select_from(Action).where(Action.board_id == board.id)),
        "votes_on_proposal": db.session.scalar(select(func.count()).select_from(Vote).where(Vote.proposal_id == db.session.scalar(votes))),
    }
    return {"counts": counts, "board": on_board, "_board": board}


def card_paths(board) -> dict[str, str]:
    """A new login card for a member and a secretary of the board: their sign-in paths."""
    from coprod.accounts.services import issue_card
    from coprod.extensions import db
    from coprod.models import Role

    paths = {}
    for who, role in (("member", Role.MEMBER), ("secretary", Role.SECRETARY)):
        paths[who] = issue_card(person(board, role), by=None).path
    db.session.commit()
    return paths


def person(board, role):
    """The first person with this role on the board (the same one each time)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from coprod.extensions import db
    from coprod.models import Membership, User

    return db.session.scalar(select(User).join(Membership).where(Membership.board_id == board.id,
                                                                 Membership.role == role)
                             .options(selectinload(User.memberships)).order_by(User.id).limit(1))


def make_audio(board, pages: list[tuple[str, str | None, str]]) -> dict:
    """Make the pages' Listen audio first (English, with the real speech engine), as each person sees
    them: on a running site the worker has made it before most people come. Without it, every view
    of a page whose audio is missing queues a job for it, which is not what a page costs."""
    from coprod.audio import making
    from coprod.models import Role

    roles = {"member": Role.MEMBER, "secretary": Role.SECRETARY}
    made = {"ready": 0, "failed": 0}
    for who in (None, "member", "secretary"):
        paths = [path for _name, looker, path in pages if looker == who and not path.endswith((".csv", ".json"))]
        if paths:
            found = making.prepare_pages(paths, ["en"], as_user=person(board, roles[who]).id if who else None)
            for key in made:
                made[key] += found.get(key, 0)
    return made


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


STATIC = re.compile(rb'(?:href|src)="(/static/[^"]+?\.(?:css|js)(?:\?[^"]*)?)"')
_asset_sizes: dict[bytes, int] = {}


def assets_gzip(client, body: bytes) -> int:
    """The CSS and JavaScript a first visit to the page also fetches, gzip-compressed (a later visit
    fetches none: they are kept a year, their address carrying a digest)."""
    total = 0
    for address in sorted(set(STATIC.findall(body))):
        if address not in _asset_sizes:
            _asset_sizes[address] = len(gzip.compress(client.get(address.decode()).get_data(), 6))
        total += _asset_sizes[address]
    return total


def open_data_files(slug: str, make: bool) -> bool:
    """Make the board's open data files now, as the worker does after a change (or remove them, to
    measure the answer streamed from the database before the worker has made them). False where the
    code has no such files (before issue 15: every answer was built in memory)."""
    try:
        from coprod.follow import open_files
    except ImportError:
        return False
    if make:
        open_files.build(slug)
    else:
        open_files.remove(slug)
    return True


def first_byte(client, path: str, requests: int = 5, before=None) -> dict:
    """For an open-data file: time to the first byte of the body (median), and the most memory
    Python held while one whole answer was read (tracemalloc: flat means streamed). `before`: run
    before each request (outside the timing)."""
    import tracemalloc

    times = []
    for _ in range(requests):
        if before:
            before()
        start = time.perf_counter()
        answer = client.get(path, buffered=False)
        chunks = iter(answer.response)
        next(chunks, b"")
        times.append((time.perf_counter() - start) * 1000)
        for _chunk in chunks:
            pass
        answer.close()
    if before:
        before()
    tracemalloc.start()
    try:
        answer = client.get(path, buffered=False)
        for _chunk in answer.response:
            pass
        answer.close()
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"first_byte_ms": round(statistics.median(times), 1), "peak_memory_kb": round(peak / 1024)}


def in_process(app, paths: dict[str, str], pages: list[tuple[str, str | None, str]], args) -> dict:
    """Statements, server time and bytes of each page, through the app in this process."""
    from sqlalchemy import event

    from coprod.extensions import db

    clients = {None: app.test_client()}
    for who, path in paths.items():
        client = app.test_client()
        page = client.get("/sign-in/code").get_data(as_text=True)
        answer = client.post(path, data={"csrf_token": CSRF.search(page).group(1)})
        if answer.status_code != 302:
            raise SystemExit(f"signing in as the {who} failed: {answer.status_code}")
        clients[who] = client

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements.append("")

    event.listen(engine, "before_cursor_execute", count)
    results = {}
    try:
        for name, who, path in pages:
            client = clients[who]
            for _ in range(2):  # warm: templates compiled, caches filled
                answer = client.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"{name}: {path} answered {answer.status_code}")
            times, counts = [], []
            began = time.monotonic()
            while len(times) < args.requests and (len(times) < 5 or time.monotonic() - began < args.page_seconds):
                statements.clear()
                start = time.perf_counter()
                answer = client.get(path)
                body = answer.get_data()
                times.append((time.perf_counter() - start) * 1000)
                counts.append(len(statements))
            results[name] = {
                "path": path, "as": who or "signed out", "requests": len(times),
                "sql_statements": statistics.median(counts), "sql_statements_max": max(counts),
                "median_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
                "bytes": len(body), "bytes_gzip": len(gzip.compress(body, 6)),
                "content_encoding_sent": answer.headers.get("Content-Encoding"),
            }
            if name.endswith((".csv", ".json")):
                results[name].update(first_byte(client, path))
                slug = path.split("/")[2]

                def remove_files(slug=slug):
                    with app.app_context():
                        open_data_files(slug, make=False)

                with app.app_context():
                    has_files = open_data_files(slug, make=False)
                if has_files:  # the same file streamed from the database, before the worker makes it
                    streamed = first_byte(client, path, before=remove_files)
                    results[name]["streamed_first_byte_ms"] = streamed["first_byte_ms"]
                    results[name]["streamed_peak_memory_kb"] = streamed["peak_memory_kb"]
                    with app.test_request_context():
                        open_data_files(slug, make=True)
            if b"<html" in body[:200].lower() or b"<!doctype" in body[:50].lower():
                results[name]["bytes_gzip_with_assets"] = results[name]["bytes_gzip"] + assets_gzip(client, body)
            print(f"  {name:17} {results[name]['sql_statements']:>4} SQL  median {results[name]['median_ms']:>8} ms  "
                  f"p95 {results[name]['p95_ms']:>8} ms  {len(body):>9} B  {results[name]['bytes_gzip']:>8} B gzip",
                  flush=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


# ---- throughput through gunicorn ------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app_path: str, workers: int, extra: list[str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", *extra, app_path],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"{app_path} did not start") from None
            time.sleep(0.2)


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def http_sign_in(port: int, path: str) -> str:
    """Sign in through the server with a card; returns the Cookie header to send."""
    jar = SimpleCookie()

    def request(method, url, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v.value}" for k, v in jar.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, url, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        for header in response.msg.get_all("Set-Cookie") or []:
            jar.load(header.split(";", 1)[0])
        connection.close()
        return response.status, data

    _, page = request("GET", "/sign-in/code")
    status, _ = request("POST", path, {"csrf_token": CSRF.search(page).group(1)})
    if status != 302:
        raise SystemExit(f"signing in through gunicorn failed: {status}")
    return "; ".join(f"{k}={v.value}" for k, v in jar.items())


async def load(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> tuple[float, int]:
    """`concurrency` clients asking for `path` again and again for `seconds`: (requests/s, errors)."""
    done = errors = 0
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Encoding: gzip\r\n"
               + (f"Cookie: {cookie}\r\n" if cookie else "") + "Connection: close\r\n\r\n").encode()

    async def client():
        nonlocal done, errors
        while loop.time() < stop:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                answer = await reader.read()  # to the end: the server closes the connection
                writer.close()
                if answer.startswith(b"HTTP/1.1 200"):
                    done += 1
                else:
                    errors += 1
            except OSError:
                errors += 1

    began = loop.time()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return done / (loop.time() - began), errors


def throughput(paths: dict[str, str], pages: list[tuple[str, str | None, str]], args) -> dict:
    site, site_port = start_server("coprod.wsgi:app", args.workers, [])
    bare, bare_port = start_server("bench_bare:app", args.workers, ["--pythonpath", str(ROOT / "scripts")])
    try:
        cookies = {None: "", **{who: http_sign_in(site_port, path) for who, path in paths.items()}}
        targets = [("bare Flask", bare_port, "/", "")] + [(name, site_port, path, cookies[who])
                                                         for name, who, path in pages]
        rates: dict[str, list[float]] = {name: [] for name, *_ in targets}
        errors: dict[str, int] = {name: 0 for name, *_ in targets}
        for target in targets:  # warm every worker
            asyncio.run(load(target[1], target[2], target[3], 1.0, args.concurrency))
        for round_ in range(args.rounds):
            order = targets[1:]
            random.Random(round_).shuffle(order)
            # The bare endpoint first and in the middle of each round: the machine's state drifts.
            middle = len(order) // 2
            for name, port, path, cookie in [targets[0], *order[:middle], targets[0], *order[middle:]]:
                rate, failed = asyncio.run(load(port, path, cookie, args.seconds, args.concurrency))
                rates[name].append(rate)
                errors[name] += failed
            print(f"  round {round_ + 1}/{args.rounds}: bare {statistics.median(rates['bare Flask']):.0f} req/s",
                  flush=True)
    finally:
        stop_server(site)
        stop_server(bare)
    bare_rate = statistics.median(rates["bare Flask"])
    return {name: {"requests_per_s": round(statistics.median(values), 2),
                   "rounds": [round(v, 2) for v in values], "errors": errors[name],
                   "share_of_bare": round(statistics.median(values) / bare_rate, 4)}
            for name, values in rates.items()}


# ---- the report -------------------------------------------------------------------------------------

NAMES = {"board": "boards", "user": "people", "meeting": "meetings", "question": "questions", "proposal": "proposals",
         "vote": "votes", "said_did_record": "records", "said_did_action": "actions"}


KEY_PAGES = ("meeting", "agenda", "vote", "tracker")  # issue 15: 30 % of bare Flask or more


def targets(run: dict) -> list[str]:
    """Issue 15's targets against this run, each met or missed, in a table."""
    pages, served = run["pages"], run.get("throughput", {})
    rows = []

    def row(target: str, measured: str, met: bool | None):
        rows.append(f"| {target} | {measured} | {'met' if met else 'missed' if met is False else 'not measured'} |")

    most = max(pages.values(), key=lambda p: p["sql_statements_max"])
    row("10 or fewer SQL statements a page", f"most: {most['sql_statements_max']:g} ({most['path']})",
        most["sql_statements_max"] <= 10)
    slowest = max(pages.items(), key=lambda item: item[1]["p95_ms"])
    row("p95 under 50 ms (every page)", f"slowest: {slowest[0]} {slowest[1]['p95_ms']} ms; "
        f"{sum(p['p95_ms'] < 50 for p in pages.values())} of {len(pages)} under 50 ms",
        slowest[1]["p95_ms"] < 50)
    if served:
        shares = {name: 100 * served[name]["share_of_bare"] for name in KEY_PAGES if name in served}
        row("meeting, agenda, vote, tracker at 30 % of bare Flask or more",
            ", ".join(f"{name} {share:.1f} %" for name, share in shares.items()), min(shares.values()) >= 30)
    else:
        row("meeting, agenda, vote, tracker at 30 % of bare Flask or more", "no throughput test in this run", None)
    heavy = [(name, p["bytes_gzip_with_assets"]) for name, p in pages.items() if p.get("bytes_gzip_with_assets")]
    if heavy:
        name, weight = max(heavy, key=lambda item: item[1])
        row("page weight under 100 KB compressed, with CSS and JS", f"heaviest: {name} {weight / 1024:.1f} KB",
            weight < 100 * 1024)
    files = {name: p for name, p in pages.items() if "first_byte_ms" in p}
    if files:
        slow = max(files.items(), key=lambda item: item[1]["first_byte_ms"])
        row("open data: first byte under 200 ms", f"slowest: {slow[0]} {slow[1]['first_byte_ms']} ms",
            slow[1]["first_byte_ms"] < 200)
        streamed = {name: p for name, p in files.items() if "streamed_peak_memory_kb" in p}
        if streamed:
            slow = max(streamed.items(), key=lambda item: item[1]["streamed_first_byte_ms"])
            row("open data streamed before the worker's file: first byte under 200 ms",
                f"slowest: {slow[0]} {slow[1]['streamed_first_byte_ms']} ms", slow[1]["streamed_first_byte_ms"] < 200)
        memory = {name: p.get("streamed_peak_memory_kb", p["peak_memory_kb"]) for name, p in files.items()}
        # Flat means it does not grow with the answer: judged across data sizes ("Open data memory"
        # at the top of docs/performance.md), not in one run.
        row("open data: memory flat while streaming", ", ".join(
            f"{name} {kb:,} KB at most for {files[name]['bytes'] / 1024:,.0f} KB" for name, kb in memory.items())
            + "; see the table across sizes", None)
    burst = run.get("vote_burst")
    if burst:
        row("vote: server CPU under 2 ms a vote", f"{burst['cpu_ms_per_vote']['server']} ms",
            burst["cpu_ms_per_vote"]["server"] < 2)
        row("vote burst: p95 under 200 ms, 0 errors", f"p95 {burst['p95_ms']} ms, {burst['errors']} errors",
            burst["p95_ms"] < 200 and not burst["errors"])
    return ["Targets (issue 15) in this run:", "", "| target | measured | |", "|---|---|---|", *rows, ""]


def write_doc(path: Path, everything: dict) -> None:
    lines = [
        "# Performance: the benchmark",
        "",
        "Made by `scripts/benchmark.py` (issue 15); the numbers are also in `docs/benchmark.json`. Targets",
        "(/work/shared/brief/performance.md and issue 15): 10 or fewer SQL statements per page whatever the",
        "data, p95 under 50 ms, key pages at 30 % or more of bare Flask's requests/s, under 100 KB compressed.",
        "",
        "Each run says the machine's load average at its start and end, and bare Flask's requests/s in the",
        "same run: times depend on what else the machine was doing. The SQL counts, the bytes and the share",
        "of bare Flask depend on it least.",
        "",
    ]
    for paragraph in everything.get("findings", []):
        lines += [paragraph, ""]
    runs = everything.get("runs", {})
    if runs:
        # The same page's statements at every size and before/after: the count must not grow with the data.
        names = list(dict.fromkeys(name for run in runs.values() for name in run["pages"]))
        lines += ["## SQL statements per page, every run", "",
                  "| page | " + " | ".join(runs) + " |", "|---|" + "---|" * len(runs)]
        for name in names:
            lines.append(f"| {name} | " + " | ".join(
                f"{run['pages'][name]['sql_statements']:g}" if name in run["pages"] else "" for run in runs.values()) + " |")
        lines.append("")
        # Memory while open data is streamed, at every size: flat if it does not follow the answer's size.
        streamed = [(label, name, page) for label, run in runs.items() for name, page in run["pages"].items()
                    if "streamed_peak_memory_kb" in page]
        if streamed:
            lines += ["## Open data: memory while streamed, at every size", "",
                      "| run | file | answer KB | most memory held while streaming it, KB |", "|---|---|---|---|"]
            lines += [f"| {label} | {name} | {page['bytes'] / 1024:,.0f} | {page['streamed_peak_memory_kb']:,} |"
                      for label, name, page in streamed]
            lines.append("")
        # Issue 15: "p95 national within 2x of demo" - each national run's p95 against the demo-size run's.
        demo = next((run for label, run in runs.items() if "demo size" in label), None)
        national = {label: run for label, run in runs.items() if "national" in label}
        if demo and national:
            lines += ["## p95 at national size against a demo-size board (target: 2x or less)", "",
                      "| page | demo size p95 ms | " + " | ".join(f"{label}: p95 ms (x demo)" for label in national) + " |",
                      "|---|---|" + "---|" * len(national)]
            for name, small in demo["pages"].items():
                cells = []
                for run in national.values():
                    big = run["pages"].get(name)
                    cells.append(f"{big['p95_ms']} ({big['p95_ms'] / small['p95_ms']:.1f}x)" if big else "")
                lines.append(f"| {name} | {small['p95_ms']} | " + " | ".join(cells) + " |")
            lines.append("")
    for label, run in everything.get("runs", {}).items():
        m, d, b = run["machine"], run["data_set"], run["data_set"]["board"]
        lines += [
            f"## {label}: {run['database']}, {run['when']}",
            "",
            f"Command: `{run['command']}`",
            "",
            f"Machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}; load average at the start "
            f"{', '.join(map(str, m['load_average_at_start']))}, at the end "
            f"{', '.join(map(str, run.get('load_average_at_end', [])))}.",
            "",
            "Data set: " + ", ".join(f"{n:,} {NAMES.get(k, k)}" for k, n in d["counts"].items()) + ".",
            f"Pages on board `{b['slug']}`: {b['people']:,} people, {b['questions']:,} questions, {b['records']:,} records, "
            f"{b['actions']:,} actions; the proposal page shows one with {b['votes_on_proposal']:,} votes.",
            "",
        ]
        if run.get("note"):
            lines += [run["note"], ""]
        served = run.get("throughput", {})
        if served:
            lines += [f"Throughput: gunicorn, {run['settings']['workers']} sync workers, {run['settings']['concurrency']} "
                      f"clients, {run['settings']['rounds']} rounds of {run['settings']['seconds']} s per target, "
                      f"median of the rounds. Bare Flask: {served['bare Flask']['requests_per_s']} requests/s.", ""]
        lines += ["| page | SQL statements | median ms | p95 ms | KB | KB gzip | KB gzip with CSS, JS | requests/s "
                  "| % of bare Flask |", "|---|---|---|---|---|---|---|---|---|"]
        for name, page in run["pages"].items():
            rate = served.get(name, {})
            with_assets = page.get("bytes_gzip_with_assets")
            lines.append(
                f"| {name} (`{page['path']}`) | {page['sql_statements']:g} | {page['median_ms']} | {page['p95_ms']} | "
                f"{page['bytes'] / 1024:.1f} | {page['bytes_gzip'] / 1024:.1f} | "
                f"{f'{with_assets / 1024:.1f}' if with_assets else ''} | {rate.get('requests_per_s', '')} | "
                f"{round(100 * rate['share_of_bare'], 2) if rate else ''} |")
        lines.append("")
        files = {name: page for name, page in run["pages"].items() if "first_byte_ms" in page}
        if files:
            lines.append("Open data (first byte, and the most memory Python held while one answer was read): " + "; ".join(
                f"{name} {page['first_byte_ms']} ms and {page['peak_memory_kb']:,} KB"
                + (f" from the worker's file, {page['streamed_first_byte_ms']} ms and {page['streamed_peak_memory_kb']:,} KB "
                   "streamed from the database before the file is made" if "streamed_first_byte_ms" in page else "")
                for name, page in files.items()) + ".")
            lines.append("")
        if run.get("vote_burst"):
            burst = run["vote_burst"]
            lines += [f"Vote burst (`scripts/bench_vote_burst.py`, {burst['database']}, {burst['workers']} workers): "
                      f"{burst['voters']} votes in {burst['spread_seconds']} s, p50 {burst['p50_ms']} ms, p95 "
                      f"{burst['p95_ms']} ms, {burst['errors']} errors; server CPU {burst['cpu_ms_per_vote']['server']} ms "
                      f"a vote (PostgreSQL {burst['cpu_ms_per_vote']['postgres']} ms).", ""]
        lines += targets(run)
    path.write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", default="run", help="the name of this run in the JSON (e.g. before, after)")
    parser.add_argument("--board", help="the board's slug (default: national-001, else the first board)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page, in process")
    parser.add_argument("--page-seconds", type=float, default=30.0,
                        help="stop timing a page after this long (with at least 5 requests)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=4, help="clients at once in the throughput test")
    parser.add_argument("--seconds", type=float, default=4.0, help="each throughput measurement")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (median kept)")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--no-audio", action="store_true",
                        help="do not make the pages' Listen audio first (each view then queues a job for it)")
    parser.add_argument("--note", default="", help="a sentence about this run, shown under its heading")
    parser.add_argument("--vote-burst", type=Path,
                        help="the JSON scripts/bench_vote_burst.py wrote, to report with this run")
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "benchmark.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    if not os.environ.get("COPROD_DATABASE_URL"):
        raise SystemExit("set COPROD_DATABASE_URL (and COPROD_INSTANCE_PATH) to the data set's database")

    from coprod import create_app
    from coprod.extensions import db

    run: dict = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                 "command": "COPROD_DATABASE_URL=" + shlex.quote(os.environ["COPROD_DATABASE_URL"]) + " "
                 + shlex.join([".venv/bin/python", "scripts/benchmark.py", *sys.argv[1:]]),
                 "settings": {k: v for k, v in vars(args).items() if k not in ("json", "doc", "note", "vote_burst")}}
    if args.note:
        run["note"] = args.note
    if args.vote_burst:
        run["vote_burst"] = json.loads(args.vote_burst.read_text())
    app = create_app()
    run["database"] = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0].split("+", 1)[0]
    with app.test_request_context():
        found = data_set(args.board)
        board = found.pop("_board")
        paths = card_paths(board)
        db.session.remove()
    run["data_set"] = found
    on = found["board"]
    base = f"/boards/{on['slug']}"
    pages = [(name, who, base + path.format(**on)) for name, who, path in PAGES]
    if not args.no_audio:
        print("Making the pages' Listen audio first ...", flush=True)
        with app.test_request_context():
            run["audio_made_first"] = make_audio(data_set(args.board)["_board"], pages)
            db.session.commit()
            db.session.remove()
    with app.test_request_context():  # what the worker does after a change: the open data files
        run["open_data_files_made_first"] = open_data_files(on["slug"], make=True)
        db.session.remove()
    print(f"Pages on {on['slug']} ({run['database']}), in process:", flush=True)
    run["pages"] = in_process(app, paths, pages, args)
    if not args.no_throughput:
        print("Throughput through gunicorn:", flush=True)
        app_paths = paths
        with app.test_request_context():  # fresh cards: the in-process sign-ins used theirs
            board = data_set(args.board)["_board"]
            app_paths = card_paths(board)
            db.session.remove()
        run["throughput"] = throughput(app_paths, pages, args)
        for name, rate in run["throughput"].items():
            print(f"  {name:17} {rate['requests_per_s']:>8} req/s  {100 * rate['share_of_bare']:6.2f} % of bare", flush=True)
    run["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]

    everything = json.loads(args.json.read_text()) if args.json.exists() else {}
    everything.setdefault("runs", {})[args.label] = run
    args.json.parent.mkdir(exist_ok=True)
    args.json.write_text(json.dumps(everything, indent=2) + "\n")
    write_doc(args.doc, everything)
    print(f"Wrote {args.json} and {args.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
