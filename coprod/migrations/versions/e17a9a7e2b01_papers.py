"""papers: PDF documents for agenda items, each with its easy-read version or why there is none

Revision ID: e17a9a7e2b01
Revises: d17a77e0d1a5
Create Date: 2026-11-30 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


revision = 'e17a9a7e2b01'
down_revision = 'd17a77e0d1a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('paper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=80), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('easy_file_name', sa.String(length=80), nullable=True),
    sa.Column('easy_pages', sa.Integer(), nullable=True),
    sa.Column('easy_byte_size', sa.Integer(), nullable=True),
    sa.Column('no_easy_read_reason', sa.Text(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_paper_board_id_board')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_paper_agenda_item_id_agenda_item'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_paper_added_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper'))
    )
    with op.batch_alter_table('paper', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_added_by_id'), ['added_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('paper', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_added_by_id'))
        batch_op.drop_index(batch_op.f('ix_paper_agenda_item_id'))
        batch_op.drop_index(batch_op.f('ix_paper_board_id'))
    op.drop_table('paper')
