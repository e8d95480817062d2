"""trust: ballots that cannot be linked to votes, private audio, notices about login cards

- ballot: no id and no timestamp; the key (proposal_id, voter_key) is the primary key, and on
  SQLite the table has no hidden rowid (WITHOUT ROWID). Rows are copied in key order.
- vote: no updated_dt (changing a vote leaves no trail).
- audio_clip.is_private: clips of pages only some people may see (existing clips start private;
  a public page showing the same words makes them public again).
- account_notice: "a login card was made / stopped" on the person's Updates page.

Revision ID: b7d3e91c4a20
Revises: b7c3d9e1f2a4
Create Date: 2026-11-30 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = 'b7d3e91c4a20'
down_revision = 'b7c3d9e1f2a4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('card_made', 'card_stopped', name='noticekind', native_enum=False, length=30),
              nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('card_made', 'card_stopped')", name=op.f('ck_account_notice_notice_kind')),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_account_notice_board_id_board')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_notice_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_notice'))
    )
    with op.batch_alter_table('account_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_notice_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_notice_board_id'), ['board_id'], unique=False)

    with op.batch_alter_table('audio_clip', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_private', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_column('updated_dt')

    # The ballot table is made again (SQLite cannot drop a rowid in place), filled in key order.
    rows = _read_ballots()
    with op.batch_alter_table('ballot', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_choice_id'))
    op.drop_table('ballot')
    ballot = op.create_table('ballot',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['choice_id'], ['choice.id'], name=op.f('fk_ballot_choice_id_choice')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_ballot_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('proposal_id', 'voter_key', name=op.f('pk_ballot')),
    sqlite_with_rowid=False,
    )
    if rows:
        op.bulk_insert(ballot, rows)
    with op.batch_alter_table('ballot', schema=None, recreate='never') as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_choice_id'), ['choice_id'], unique=False)


def _read_ballots() -> list[dict]:
    result = op.get_bind().execute(sa.text(
        "SELECT proposal_id, voter_key, choice_id FROM ballot ORDER BY proposal_id, voter_key"))
    return [dict(proposal_id=p, voter_key=k, choice_id=c) for p, k, c in result]

def downgrade():
    from datetime import datetime, timezone

    rows = _read_ballots()
    with op.batch_alter_table('ballot', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_choice_id'))
    op.drop_table('ballot')
    ballot = op.create_table('ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=False),
    sa.Column('updated_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['choice_id'], ['choice.id'], name=op.f('fk_ballot_choice_id_choice')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_ballot_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot')),
    sa.UniqueConstraint('proposal_id', 'voter_key', name=op.f('uq_ballot_proposal_id_voter_key'))
    )
    now = datetime.now(timezone.utc)
    if rows:
        op.bulk_insert(ballot, [dict(row, updated_dt=now) for row in rows])
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_choice_id'), ['choice_id'], unique=False)

    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_dt', coprod.models.base.UTCDateTime(), nullable=True))
    op.execute("UPDATE vote SET updated_dt = cast_dt")
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.alter_column('updated_dt', existing_type=coprod.models.base.UTCDateTime(), nullable=False)

    with op.batch_alter_table('audio_clip', schema=None) as batch_op:
        batch_op.drop_column('is_private')

    with op.batch_alter_table('account_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_notice_board_id'))
        batch_op.drop_index(batch_op.f('ix_account_notice_user_id'))
    op.drop_table('account_notice')
