"""one topic list: "You said, we did" records use the question topics (coprod/topics.py)

Records were filed under their own topics (housing, jobs, families, ...); questions had theirs (home,
work, family, ...). There is one list now. Old record values become the new keys; downgrading turns
them back, and topics the old record list did not have become "other".

Revision ID: b7d41f0c2e93
Revises: f9a36e1b157d
Create Date: 2026-11-30 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41f0c2e93'
down_revision = 'f9a36e1b157d'
branch_labels = None
depends_on = None

# Written out here (not imported) so this migration never changes when the app's list does.
OLD_TO_NEW = {'housing': 'home', 'jobs': 'work', 'families': 'family'}
# Keys the record list had before, besides the ones above.
OLD_KEPT = ('health', 'short-breaks', 'safe', 'meetings', 'other')

record = sa.table('said_did_record', sa.column('topic', sa.String(40)))


def upgrade():
    for old, new in OLD_TO_NEW.items():
        op.execute(record.update().where(record.c.topic == old).values(topic=new))


def downgrade():
    old_keys = [*OLD_TO_NEW, *OLD_KEPT]
    for old, new in OLD_TO_NEW.items():
        op.execute(record.update().where(record.c.topic == new).values(topic=old))
    op.execute(record.update().where(record.c.topic.is_not(None), record.c.topic.not_in(old_keys))
               .values(topic='other'))
