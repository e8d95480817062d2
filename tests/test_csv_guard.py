"""Open data as a spreadsheet: a cell that a spreadsheet could run as a formula starts with ' -
also when it starts with a tab or a carriage return (issue 12)."""

from __future__ import annotations

import csv
import io

from coprod.models import Record, RecordStatus, utcnow

DANGEROUS = ["=HYPERLINK(\"http://evil.test\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def test_every_formula_start_is_guarded():
    from coprod.follow.exports import csv_cell

    for value in DANGEROUS:
        assert csv_cell(value) == "'" + value
    assert csv_cell("Job coaches") == "Job coaches"
    assert csv_cell(12) == 12 and csv_cell("") == ""


def test_the_records_spreadsheet_guards_titles_starting_with_tab_or_return(factory, db, client):
    board = factory.board()
    with db.context() as session:
        for title in DANGEROUS:
            session.add(Record(board_id=board.id, title=title, said_text="You said.", did_text="We did.",
                               status=RecordStatus.PUBLISHED, published_dt=utcnow()))
    response = client.get("/boards/riverside-ld/said-did/records.csv")
    assert response.status_code == 200
    titles = {row["title"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert titles == {"'" + title for title in DANGEROUS}
