"""attendance: coming or not, and the support a person needs at a meeting

- attendance: one row per person per meeting ("I am coming" or "I can't come"), with their access
  needs (support worker, BSL interpreter, large print, hearing loop, diet, travel, other) and who
  helped them answer.

Revision ID: d17a77e0d1a5
Revises: c17a1e2d3f40
Create Date: 2026-11-30 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = 'd17a77e0d1a5'
down_revision = 'c17a1e2d3f40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('coming', sa.Boolean(), nullable=False),
    sa.Column('support_worker', sa.Boolean(), nullable=False),
    sa.Column('bsl', sa.Boolean(), nullable=False),
    sa.Column('large_print', sa.Boolean(), nullable=False),
    sa.Column('hearing_loop', sa.Boolean(), nullable=False),
    sa.Column('diet', sa.String(length=200), nullable=False),
    sa.Column('travel', sa.String(length=200), nullable=False),
    sa.Column('other_need', sa.String(length=500), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('helper_name', sa.String(length=120), nullable=True),
    sa.Column('answered_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.Column('needs_cleared_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attendance_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_attendance_user_id_user')),
    sa.ForeignKeyConstraint(['helper_id'], ['user.id'], name=op.f('fk_attendance_helper_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_attendance_meeting_id_user_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_helper_id'), ['helper_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_helper_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_user_id'))
    op.drop_table('attendance')
