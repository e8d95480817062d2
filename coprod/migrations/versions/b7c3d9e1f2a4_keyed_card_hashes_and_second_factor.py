"""keyed card hashes and a second factor for staff

Login cards get `hash_scheme`: cards already made keep "sha256" (they still work, and are keyed
the first time they are used, or all at once with `coprod upgrade-card-hashes`); new cards are
"hmac-sha256". People get an authenticator app (sealed secret) and recovery codes.

Downgrade: cards already keyed stop working under the old code (it knows only plain SHA-256);
cards still on "sha256" keep working. Authenticator apps and recovery codes are dropped.

Revision ID: b7c3d9e1f2a4
Revises: b7d41f0c2e93
Create Date: 2026-11-30 01:20:00

"""
from alembic import op
import sqlalchemy as sa

import coprod.models.base


# revision identifiers, used by Alembic.
revision = 'b7c3d9e1f2a4'
down_revision = 'b7d41f0c2e93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_card', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash_scheme', sa.String(length=20), server_default='sha256', nullable=False))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('totp_on_dt', coprod.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_dt', coprod.models.base.UTCDateTime(), nullable=False),
    sa.Column('used_dt', coprod.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_code_code_hash'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_on_dt')
        batch_op.drop_column('totp_secret')
    with op.batch_alter_table('login_card', schema=None) as batch_op:
        batch_op.drop_column('hash_scheme')
