"""questions stopped early: meeting.questions_stopped_dt

Questions open and close by the deadline, whatever else the secretary does; stopping them before
the deadline is its own action, remembered here.

Revision ID: c4e8a2d61f37
Revises: b7d3e91c4a20
Create Date: 2026-11-30 04:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = 'c4e8a2d61f37'
down_revision = 'b7d3e91c4a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions_stopped_dt', coprod.models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('questions_stopped_dt')
