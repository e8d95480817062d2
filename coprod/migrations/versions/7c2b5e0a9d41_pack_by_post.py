"""the meeting pack by post (issue 17)

- reminder_choice: pack_by_post, pack_large_print and postal_address.
- board_reminder.kind: a new value, pack_by_post (a board can turn posting off, and write the letter's words).
- sent_reminder.channel: a new value, letter; provider_id longer (the ids of every letter a pack went in).

SQLite changes a CHECK only by making the table again (batch mode would copy the old CHECK it
reflected), so the two tables are given in full, as in d4a7e2c91b55.

Revision ID: 7c2b5e0a9d41
Revises: 216f3ea08ee7
Create Date: 2026-11-30 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = '7c2b5e0a9d41'
down_revision = '216f3ea08ee7'
branch_labels = None
depends_on = None

OLD_KINDS = ('week_before', 'day_before', 'questions_close', 'voting_closes', 'said_did')
NEW_KINDS = OLD_KINDS + ('pack_by_post',)
OLD_CHANNELS = ('email', 'text', 'supporter_email', 'supporter_text')
NEW_CHANNELS = OLD_CHANNELS + ('letter',)


def _check(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _board_reminder(kinds: tuple[str, ...]) -> sa.Table:
    return sa.Table(
        'board_reminder', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('board_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('is_on', sa.Boolean(), nullable=False),
        sa.Column('words', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_dt', coprod.models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint(_check('kind', kinds), name='ck_board_reminder_reminder_kind'),
        sa.ForeignKeyConstraint(['board_id'], ['board.id'], name='fk_board_reminder_board_id_board'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name='fk_board_reminder_updated_by_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_board_reminder'),
        sa.UniqueConstraint('board_id', 'kind', name='uq_board_reminder_board_id_kind'),
        sa.Index('ix_board_reminder_updated_by_id', 'updated_by_id'),
    )


def _sent_reminder(channels: tuple[str, ...], provider_length: int) -> sa.Table:
    return sa.Table(
        'sent_reminder', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('board_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('created_dt', coprod.models.base.UTCDateTime(), nullable=False),
        sa.Column('sent_dt', coprod.models.base.UTCDateTime(), nullable=True),
        sa.Column('provider_id', sa.String(length=provider_length), nullable=True),
        sa.CheckConstraint(_check('channel', channels), name='ck_sent_reminder_reminder_channel'),
        sa.CheckConstraint(_check('status', ('waiting', 'sending', 'sent', 'failed', 'refused', 'skipped')),
                           name='ck_sent_reminder_sent_status'),
        sa.ForeignKeyConstraint(['board_id'], ['board.id'], name='fk_sent_reminder_board_id_board'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_sent_reminder_user_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_sent_reminder'),
        sa.UniqueConstraint('user_id', 'kind', 'subject_id', 'channel',
                            name='uq_sent_reminder_user_id_kind_subject_id_channel'),
        sa.Index('ix_sent_reminder_board_id', 'board_id'),
        sa.Index('ix_sent_reminder_status', 'status'),
    )


def _allow(kinds: tuple[str, ...], channels: tuple[str, ...], provider_length: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table('board_reminder', copy_from=_board_reminder(kinds), recreate="always"):
            pass
        with op.batch_alter_table('sent_reminder', copy_from=_sent_reminder(channels, provider_length),
                                  recreate="always"):
            pass
        return
    with op.batch_alter_table('board_reminder', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_board_reminder_reminder_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_board_reminder_reminder_kind'), sa.text(_check('kind', kinds)))
    with op.batch_alter_table('sent_reminder', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sent_reminder_reminder_channel'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sent_reminder_reminder_channel'), sa.text(_check('channel', channels)))
        batch_op.alter_column('provider_id', type_=sa.String(length=provider_length), existing_nullable=True)


def upgrade():
    with op.batch_alter_table('reminder_choice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pack_by_post', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('pack_large_print', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('postal_address', sa.Text(), nullable=True))
    # The defaults were only for the rows already there: the model sets the value on every new row.
    with op.batch_alter_table('reminder_choice', schema=None) as batch_op:
        batch_op.alter_column('pack_by_post', server_default=None)
        batch_op.alter_column('pack_large_print', server_default=None)
    _allow(NEW_KINDS, NEW_CHANNELS, 400)


def downgrade():
    op.execute("DELETE FROM sent_reminder WHERE channel = 'letter'")
    op.execute("DELETE FROM board_reminder WHERE kind = 'pack_by_post'")
    op.execute("UPDATE sent_reminder SET provider_id = substr(provider_id, 1, 60)")
    _allow(OLD_KINDS, OLD_CHANNELS, 60)
    with op.batch_alter_table('reminder_choice', schema=None) as batch_op:
        batch_op.drop_column('postal_address')
        batch_op.drop_column('pack_large_print')
        batch_op.drop_column('pack_by_post')
