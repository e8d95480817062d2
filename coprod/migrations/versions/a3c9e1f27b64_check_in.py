"""check in on the day: who was at a meeting, and a board's quorum

- check_in: one row per person per meeting, made by the secretary on the day (a login card scanned,
  its short code typed, or a name tapped): when, by whom, and how. Undoing a check-in deletes the row.
- board.quorum: how many people must be at a meeting for it to make decisions (empty: not set).

Revision ID: a3c9e1f27b64
Revises: e17a9a7e2b01
Create Date: 2026-11-30 17:05:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = 'a3c9e1f27b64'
down_revision = 'e17a9a7e2b01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('how', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_check_in_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_check_in_user_id_user')),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_check_in_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_check_in_meeting_id_user_id'))
    )
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_in_by_id'), ['by_id'], unique=False)
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quorum', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.drop_column('quorum')
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_in_by_id'))
        batch_op.drop_index(batch_op.f('ix_check_in_user_id'))
    op.drop_table('check_in')
