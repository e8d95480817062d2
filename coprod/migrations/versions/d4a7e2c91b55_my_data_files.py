"""my data files: a person's own data as a zip (UK GDPR art. 15), and the notice that it is ready

- data_export: one row per "My data" file asked for (by the person, or by staff for a request on
  paper); the file itself is in the instance folder (EXPORT_DIR) until it expires.
- account_notice.kind: a new value, export_ready.

Revision ID: d4a7e2c91b55
Revises: e4a5f0c2d913
Create Date: 2026-11-30 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = 'd4a7e2c91b55'
down_revision = 'e4a5f0c2d913'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('card_made', 'card_stopped')"
NEW_KINDS = "kind IN ('card_made', 'card_stopped', 'export_ready')"


def _notice_table(kinds: str) -> sa.Table:
    """account_notice as it is, with the allowed kinds `kinds`: SQLite changes a CHECK only by making
    the table again, and batch mode would copy the old CHECK it reflected."""
    return sa.Table(
        'account_notice', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('board_id', sa.Integer(), nullable=True),
        sa.Column('created_dt', coprod.models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint(kinds, name='ck_account_notice_notice_kind'),
        sa.ForeignKeyConstraint(['board_id'], ['board.id'], name='fk_account_notice_board_id_board'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_account_notice_user_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_account_notice'),
        sa.Index('ix_account_notice_user_id', 'user_id'),
        sa.Index('ix_account_notice_board_id', 'board_id'),
    )


def _allow_kinds(kinds: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table('account_notice', copy_from=_notice_table(kinds), recreate="always"):
            pass
        return
    with op.batch_alter_table('account_notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_account_notice_notice_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_account_notice_notice_kind'), sa.text(kinds))


def upgrade():
    op.create_table('data_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('on_paper', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('status', sa.Enum('making', 'ready', 'failed', 'expired', name='exportstatus', native_enum=False,
                                length=10), nullable=False),
    sa.Column('file_name', sa.String(length=80), nullable=True),
    sa.Column('byte_size', sa.Integer(), nullable=True),
    sa.Column('created_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.Column('ready_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.Column('expires_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('making', 'ready', 'failed', 'expired')",
                       name=op.f('ck_data_export_export_status')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['user.id'], name=op.f('fk_data_export_asked_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_data_export_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_export'))
    )
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_export_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_export_asked_by_id'), ['asked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_export_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_export_expires_dt'), ['expires_dt'], unique=False)

    _allow_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM account_notice WHERE kind = 'export_ready'")
    _allow_kinds(OLD_KINDS)

    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_export_expires_dt'))
        batch_op.drop_index(batch_op.f('ix_data_export_status'))
        batch_op.drop_index(batch_op.f('ix_data_export_asked_by_id'))
        batch_op.drop_index(batch_op.f('ix_data_export_user_id'))
    op.drop_table('data_export')
