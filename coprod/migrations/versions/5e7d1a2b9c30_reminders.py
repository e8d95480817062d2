"""reminders: how each person is told, what each board sends, and what was sent (issue 17)

- reminder_choice: email, text message, both or none; the person's mobile; a supporter or carer told too.
- board_reminder: which reminders a board sends, and the secretary's words.
- sent_reminder: one row per (person, kind, subject, channel), written before sending: the unique key
  makes each reminder go once, however many workers or runs.

Revision ID: 5e7d1a2b9c30
Revises: a3c9e1f27b64
Create Date: 2026-11-30 16:51:23.239849

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


# revision identifiers, used by Alembic.
revision = '5e7d1a2b9c30'
down_revision = 'a3c9e1f27b64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('week_before', 'day_before', 'questions_close', 'voting_closes', 'said_did', name='reminder_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('is_on', sa.Boolean(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_board_reminder_board_id_board')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_board_reminder_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_reminder')),
    sa.UniqueConstraint('board_id', 'kind', name=op.f('uq_board_reminder_board_id_kind'))
    )
    with op.batch_alter_table('board_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_reminder_updated_by_id'), ['updated_by_id'], unique=False)

    op.create_table('reminder_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('how', sa.Enum('email', 'text', 'both', 'none', name='reminder_how', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('supporter_on', sa.Boolean(), nullable=False),
    sa.Column('supporter_name', sa.String(length=120), nullable=True),
    sa.Column('supporter_email', sa.String(length=254), nullable=True),
    sa.Column('supporter_mobile', sa.String(length=20), nullable=True),
    sa.Column('updated_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminder_choice_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_choice')),
    sa.UniqueConstraint('user_id', name=op.f('uq_reminder_choice_user_id'))
    )
    op.create_table('sent_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('email', 'text', 'supporter_email', 'supporter_text', name='reminder_channel', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'sending', 'sent', 'failed', 'refused', 'skipped', name='sent_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('created_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.Column('sent_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.Column('provider_id', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_sent_reminder_board_id_board')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sent_reminder_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminder')),
    sa.UniqueConstraint('user_id', 'kind', 'subject_id', 'channel', name=op.f('uq_sent_reminder_user_id_kind_subject_id_channel'))
    )
    with op.batch_alter_table('sent_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_reminder_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sent_reminder_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('sent_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_reminder_status'))
        batch_op.drop_index(batch_op.f('ix_sent_reminder_board_id'))

    op.drop_table('sent_reminder')
    op.drop_table('reminder_choice')
    with op.batch_alter_table('board_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_reminder_updated_by_id'))

    op.drop_table('board_reminder')
