"""erasure: a board's choice for the public questions of erased people; erased accounts

- board.erased_questions: "go" (default) or "someone" (they stay as "Someone asked").
- user.erased_dt: when the person was erased (the row stays empty, so its id is never reused).

Revision ID: e4a5f0c2d913
Revises: e5a1c7d90b3f
Create Date: 2026-11-30 04:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = 'e4a5f0c2d913'
down_revision = 'e5a1c7d90b3f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_questions', sa.String(length=10), server_default='go', nullable=False))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_dt', coprod.models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('erased_dt')
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.drop_column('erased_questions')
