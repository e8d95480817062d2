"""One-time submission keys: a form sent twice (a double click, a retry after a lost answer) is
done once.

Every POST form carries a random key (`submission_key`). When a signed-in person's form has done
its work and sends them on, the key is written in the same transaction as the work itself, with
where the first answer went: a crash before the commit leaves neither. The same key sent again
finds the row and goes to the first result ("You sent this already"), creating nothing.

Who sees it: nobody (it is only read back for the same person's next send). Kept 2 days
(`coprod.submissions.remove_old_submission_keys`); removed with the person (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from coprod.models.base import Base, utcnow


class SubmissionKey(Base):
    __tablename__ = "submission_key"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Where the first send went (a path on this site).
    result_url: Mapped[str] = mapped_column(String(500))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow, index=True)
