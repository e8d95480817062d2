"""involvement payments: claims for a meeting's involvement payment and travel, and the board's amounts

- payment_claim: one row per person per meeting (amounts in pence, receipt photo name, how to be paid
  with sealed bank details and the last 4 digits, the secretary's question and the answer, status,
  who helped); user_id becomes NULL when the person is erased (a paid claim stays anonymous).
- board.involvement_pence, board.travel_max_pence: what the board pays (0: nothing).

Revision ID: 216f3ea08ee7
Revises: 5a4e9c1d2b7f
Create Date: 2026-11-30 16:51:31.456555

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


# revision identifiers, used by Alembic.
revision = '216f3ea08ee7'
down_revision = '5a4e9c1d2b7f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payment_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('involvement_pence', sa.Integer(), nullable=False),
    sa.Column('travel_pence', sa.Integer(), nullable=False),
    sa.Column('receipt_name', sa.String(length=40), nullable=True),
    sa.Column('pay_by', sa.Enum('bank', 'ask', name='pay_by', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('account_name', sa.String(length=120), nullable=True),
    sa.Column('bank_sealed', sa.String(length=200), nullable=True),
    sa.Column('account_last4', sa.String(length=4), nullable=True),
    sa.Column('bank_deleted_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.Column('status', sa.Enum('sent', 'question', 'answered', 'approved', 'paid', name='claim_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('question_text', sa.Text(), nullable=False),
    sa.Column('answer_text', sa.Text(), nullable=False),
    sa.Column('question_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.Column('answered_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.Column('helper_id', sa.Integer(), nullable=True),
    sa.Column('helper_name', sa.String(length=120), nullable=True),
    sa.Column('created_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.Column('approved_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('involvement_pence >= 0 AND travel_pence >= 0', name=op.f('ck_payment_claim_amounts_not_negative')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_payment_claim_approved_by_id_user')),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_payment_claim_board_id_board')),
    sa.ForeignKeyConstraint(['helper_id'], ['user.id'], name=op.f('fk_payment_claim_helper_id_user')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_payment_claim_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['user.id'], name=op.f('fk_payment_claim_paid_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_payment_claim_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_claim')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_payment_claim_meeting_id_user_id'))
    )
    with op.batch_alter_table('payment_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_claim_approved_by_id'), ['approved_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_claim_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_claim_helper_id'), ['helper_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_claim_paid_by_id'), ['paid_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_claim_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.add_column(sa.Column('involvement_pence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('travel_max_pence', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.drop_column('travel_max_pence')
        batch_op.drop_column('involvement_pence')

    with op.batch_alter_table('payment_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_claim_user_id'))
        batch_op.drop_index(batch_op.f('ix_payment_claim_paid_by_id'))
        batch_op.drop_index(batch_op.f('ix_payment_claim_helper_id'))
        batch_op.drop_index(batch_op.f('ix_payment_claim_board_id'))
        batch_op.drop_index(batch_op.f('ix_payment_claim_approved_by_id'))

    op.drop_table('payment_claim')
