"""Open data: the public records and actions as a JSON file and as spreadsheets (CSV).

Built from `queries.open_records` (no personal data); the views only send the files.
"""

from __future__ import annotations

import csv
import io
import json


def records_json(slug: str, records: list[dict]) -> str:
    """The public records and actions as one JSON document."""
    return json.dumps({"board": slug, "records": records}, ensure_ascii=False, indent=2)


# A cell starting with one of these can run as a formula in a spreadsheet (tab and carriage return
# too: some spreadsheets drop them and read the = after them; OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The value, with a ' in front if a spreadsheet could take it for a formula."""
    return f"'{value}" if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


def csv_text(rows: list[list]) -> str:
    """Rows as CSV text, each cell safe from being read as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


RECORD_COLUMNS = ["id", "title", "topic", "you_said", "we_did", "published", "questions", "actions",
                  "happy", "ok", "not_happy"]
ACTION_COLUMNS = ["record_id", "record_title", "action_id", "what", "how", "who", "organisation", "due", "status",
                  "late", "reason"]


def record_row(r: dict) -> list:
    """One record's row of records.csv (from queries.record_data)."""
    return [r["id"], r["title"], r["topic"] or "", r["you_said"], r["we_did"], r["published"],
            len(r["questions"]), len(r["actions"]), r["feelings"]["happy"], r["feelings"]["ok"],
            r["feelings"]["not_happy"]]


def action_rows(r: dict) -> list[list]:
    """A record's rows of actions.csv, one for each of its actions."""
    return [[r["id"], r["title"], a["id"], a["what"], a["how"], a["who"], a["organisation"], a["due"],
             a["status"], "yes" if a["late"] else "no", a["reason"]] for a in r["actions"]]


def records_csv(records: list[dict]) -> str:
    """The public records, one row each."""
    return csv_text([RECORD_COLUMNS] + [record_row(r) for r in records])


def actions_csv(records: list[dict]) -> str:
    """The actions of the public records, one row each."""
    return csv_text([ACTION_COLUMNS] + [row for r in records for row in action_rows(r)])
