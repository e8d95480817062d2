"""meeting.quorum_needed: the board's quorum as it was for the meeting (issue 17)

Kept at the first check-in, or when the meeting is marked held or its minutes published, so a later
change to the board's quorum does not rewrite old minutes. Meetings already held keep none (their
pages show the board's quorum, as before).

Revision ID: 8d3f6a1c2e57
Revises: 7c2b5e0a9d41
Create Date: 2026-11-30 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '8d3f6a1c2e57'
down_revision = '7c2b5e0a9d41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quorum_needed', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('quorum_needed')
