"""meeting access: what the meeting's place has, for the easy-read meeting page and the calendar

- meeting.step_free, hearing_loop, quiet_room, accessible_toilets: yes (true), no (false) or not
  known (null, the value for every meeting made before).

Revision ID: c17a1e2d3f40
Revises: b15a1ce5a1e0
Create Date: 2026-11-30 13:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'c17a1e2d3f40'
down_revision = 'b15a1ce5a1e0'
branch_labels = None
depends_on = None

COLUMNS = ("step_free", "hearing_loop", "quiet_room", "accessible_toilets")


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
