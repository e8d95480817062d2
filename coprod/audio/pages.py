"""Which public pages show each kind of content, so their audio is made again when it changes
(see publish.py). Boards, meetings, agenda items and questions register in their own features;
the rest are here: "You said, we did" records and their actions, votes and their results, the
jargon buster and the picture library.

Pages that say the same for every piece of content (help, about, open data) change only with a
new version of the site: their audio is made when the demo is loaded and by `coprod audio remake`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import object_session

from coprod.audio.publish import pages_of
from coprod.models import (Action, ActionUpdate, Board, Choice, GlossaryTerm, Picture, Proposal, Record,
                           RecordQuestion, RoomCount)


def _slug(session, board_id: int | None) -> str | None:
    board = session.get(Board, board_id) if session is not None and board_id is not None else None
    return board.slug if board is not None else None


def record_pages(session, record_id: int | None) -> list[str]:
    record = session.get(Record, record_id) if session is not None and record_id is not None else None
    slug = _slug(session, record.board_id) if record is not None else None
    if record is None or slug is None or not record.is_published:
        return []
    base = f"/boards/{slug}/said-did"
    return [f"/boards/{slug}", base, f"{base}/{record.id}", f"{base}/dashboard"]


def proposal_pages(session, proposal_id: int | None) -> list[str]:
    proposal = session.get(Proposal, proposal_id) if session is not None and proposal_id is not None else None
    slug = _slug(session, proposal.board_id) if proposal is not None else None
    if proposal is None or slug is None or proposal.opened_dt is None and proposal.opens_dt is None:
        return []
    base = f"/boards/{slug}/votes/{proposal.id}"
    return [f"{base}/results", f"{base}/screen"]


@pages_of(ActionUpdate)
def _update_pages(update: ActionUpdate) -> list[str]:
    session = object_session(update)
    action = session.get(Action, update.action_id) if session is not None else None
    return record_pages(session, action.record_id) if action is not None else []


pages_of(Record)(lambda record: record_pages(object_session(record), record.id))
pages_of(Action)(lambda action: record_pages(object_session(action), action.record_id))
pages_of(RecordQuestion)(lambda link: record_pages(object_session(link), link.record_id))
pages_of(Proposal)(lambda proposal: proposal_pages(object_session(proposal), proposal.id))
pages_of(Choice)(lambda choice: proposal_pages(object_session(choice), choice.proposal_id))
# A count from the room changes the results shown (once they are shown).
pages_of(RoomCount)(lambda count: proposal_pages(object_session(count), count.proposal_id))
pages_of(GlossaryTerm)(lambda term: ["/jargon-buster", f"/jargon-buster/{term.slug}"])
pages_of(Picture)(lambda picture: ["/pictures"])


# A vote that opens or closes at its set time changes its pages with no save to notice it (publish.py
# sees only saves): a periodic job looks back over this window for such votes.
TIMED_CHANGE_WINDOW = timedelta(minutes=6)


def votes_changed_by_time(session, now: datetime, window: timedelta = TIMED_CHANGE_WINDOW) -> list[str]:
    """The public pages of votes that opened or closed by their set time in the last `window`."""
    since = now - window
    changed = session.scalars(select(Proposal.id).where(or_(Proposal.opens_dt.between(since, now),
                                                            Proposal.closes_dt.between(since, now)))).all()
    return sorted({path for proposal_id in changed for path in proposal_pages(session, proposal_id)})
