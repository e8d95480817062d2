"""list indexes: composite indexes for the lists that are read a page at a time (issue 15)

- said_did_record (board_id, status, published_dt): the tracker's page of a board's published records.
- said_did_action (record_id, status, due_date) and (board_id, status, due_date): actions in a step
  or late, for a record (the tracker's filters) and for a board (its counts, what came back, the dashboard).
- question (meeting_id, status, sent_dt): a meeting's questions in a status, oldest first.

Each replaces the index on its first column alone (an index that is only the start of another one
slows writes and helps no read).

Revision ID: b15a1ce5a1e0
Revises: d4a7e2c91b55
Create Date: 2026-11-30 13:40:00.000000

"""
from alembic import op


revision = 'b15a1ce5a1e0'
down_revision = 'd4a7e2c91b55'
branch_labels = None
depends_on = None

# (table, new index, its columns, the one-column index it replaces)
INDEXES = [
    ('said_did_record', 'ix_said_did_record_board_status_published', ['board_id', 'status', 'published_dt'],
     'ix_said_did_record_board_id'),
    ('said_did_action', 'ix_said_did_action_record_status_due', ['record_id', 'status', 'due_date'],
     'ix_said_did_action_record_id'),
    ('said_did_action', 'ix_said_did_action_board_status_due', ['board_id', 'status', 'due_date'],
     'ix_said_did_action_board_id'),
    ('question', 'ix_question_meeting_status_sent', ['meeting_id', 'status', 'sent_dt'], 'ix_question_meeting_id'),
]


def upgrade():
    for table, name, columns, replaced in INDEXES:
        op.create_index(name, table, columns)
        op.drop_index(replaced, table_name=table)


def downgrade():
    for table, name, columns, replaced in reversed(INDEXES):
        op.create_index(replaced, table, [columns[0]])
        op.drop_index(name, table_name=table)
