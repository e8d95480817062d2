"""submission keys: a form sent twice is done once; actions that can be mended

- submission_key: one row per form a signed-in person sent that did its work (kept 2 days).
- said_did_action: removed_dt, removed_reason, removed_by_id (a duplicate is removed with a
  reason, never deleted: it stays in the history).
- said_did_action_update: change (what the entry is about: a status, a new due date, a removal)
  and due_date (the new date, for a due-date change).

Revision ID: e5a1c7d90b3f
Revises: c4e8a2d61f37
Create Date: 2026-11-30 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = 'e5a1c7d90b3f'
down_revision = 'c4e8a2d61f37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_key',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('result_url', sa.String(length=500), nullable=False),
    sa.Column('created_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_submission_key_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_submission_key'))
    )
    with op.batch_alter_table('submission_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_key_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_key_created_dt'), ['created_dt'], unique=False)

    with op.batch_alter_table('said_did_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_dt', coprod.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('removed_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('removed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_said_did_action_removed_by_id_user'), 'user',
                                    ['removed_by_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_said_did_action_removed_by_id'), ['removed_by_id'], unique=False)

    with op.batch_alter_table('said_did_action_update', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change', sa.String(length=20), server_default='status', nullable=False))
        batch_op.add_column(sa.Column('due_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('said_did_action_update', schema=None) as batch_op:
        batch_op.drop_column('due_date')
        batch_op.drop_column('change')

    with op.batch_alter_table('said_did_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_said_did_action_removed_by_id'))
        batch_op.drop_constraint(batch_op.f('fk_said_did_action_removed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('removed_by_id')
        batch_op.drop_column('removed_reason')
        batch_op.drop_column('removed_dt')

    with op.batch_alter_table('submission_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_key_created_dt'))
        batch_op.drop_index(batch_op.f('ix_submission_key_user_id'))
    op.drop_table('submission_key')
