"""A schema that guards the data: every foreign key indexed (indexes that only repeated the start of a
unique key dropped), a named CHECK on every status column, removing an agenda item sets a proposal's
link to it to nothing, and on SQLite the ids of content that versions name are never used again.

Revision ID: f9a36e1b157d
Revises: ae520115a4a6
Create Date: 2026-11-30 00:55:36.191588

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f9a36e1b157d'
down_revision = 'ae520115a4a6'
branch_labels = None
depends_on = None

# table -> foreign key columns that get an index of their own (ix_<table>_<column>)
NEW_INDEXES = {
    "audit_event": ["helper_id"],
    "content_language": ["checked_by_id", "checker_id", "updated_by_id"],
    "glossary_term": ["updated_by_id"],
    "login_card": ["created_by_id"],
    "me_too": ["helper_id"],
    "meeting": ["created_by_id"],
    "picture": ["removed_by_id", "uploaded_by_id"],
    "proposal": ["created_by_id"],
    "question": ["asked_item_id", "group_id", "helper_id", "moderated_by_id"],
    "room_count": ["choice_id", "entered_by_id"],
    "said_did_action_update": ["by_id"],
    "said_did_feedback": ["helper_id"],
    "said_did_person_update": ["action_id"],
    "said_did_record": ["came_back_item_id", "created_by_id", "proposal_id", "published_by_id"],
    "sign_in": ["helper_id"],
    "vote": ["helper_id", "open_choice_id"],
}

# table -> (index name, columns): each only the start of the table's unique key, which serves instead.
OLD_INDEXES = {
    "ballot": ("ix_ballot_proposal_id", ["proposal_id"]),
    "content_language": ("ix_content_language_kind_content", ["kind", "content_id"]),
    "glossary_term": ("ix_glossary_term_language", ["language"]),
    "group_member": ("ix_group_member_group_id", ["group_id"]),
    "me_too": ("ix_me_too_question_id", ["question_id"]),
    "membership": ("ix_membership_board_id", ["board_id"]),
    "room_count": ("ix_room_count_proposal_id", ["proposal_id"]),
    "said_did_feedback": ("ix_said_did_feedback_record_id", ["record_id"]),
    "said_did_follower": ("ix_said_did_follower_record_id", ["record_id"]),
    "said_did_question": ("ix_said_did_question_record_id", ["record_id"]),
    "vote": ("ix_vote_proposal_id", ["proposal_id"]),
}

# The values as they are at this revision (not imported from the models, which will change).
_ACTION_STATUS = ["planned", "started", "done", "could_not_do"]
# table -> [(CHECK name, column, allowed values)]
CHECKS = {
    "audio_clip": [("ck_audio_clip_clip_status", "status", ["pending", "ready", "failed"])],
    "membership": [("ck_membership_role", "role", ["member", "carer", "supporter", "secretary", "commissioner"])],
    "meeting": [("ck_meeting_meeting_status", "status",
                 ["planned", "taking_questions", "agenda_published", "held", "minutes_published"])],
    "question": [("ck_question_question_status", "status",
                  ["draft", "sent", "on_agenda", "joined", "answered", "not_taken"])],
    "said_did_record": [("ck_said_did_record_record_status", "status", ["draft", "published"])],
    "said_did_action": [("ck_said_did_action_action_status", "status", _ACTION_STATUS)],
    "said_did_action_update": [("ck_said_did_action_update_action_status", "status", _ACTION_STATUS)],
    "said_did_feedback": [("ck_said_did_feedback_feeling", "feeling", ["happy", "ok", "not_happy"])],
    "said_did_person_update": [("ck_said_did_person_update_update_kind", "kind", ["answered", "published", "action"]),
                               ("ck_said_did_person_update_action_status", "status", _ACTION_STATUS)],
}

# Versions in other languages name these by id: on SQLite their ids must never be used twice
# (AUTOINCREMENT). PostgreSQL's sequences never give an id twice anyway.
NEVER_REUSED = ["agenda_item", "choice", "proposal", "said_did_record"]

TABLES = sorted(set(NEW_INDEXES) | set(OLD_INDEXES) | set(CHECKS) | set(NEVER_REUSED))


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _batch(table: str, autoincrement: bool):
    if op.get_bind().dialect.name == "sqlite" and table in NEVER_REUSED:
        return op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement})
    return op.batch_alter_table(table)


def _repair_removed_items():
    """SQLite enforced no foreign keys before this revision, and removing an agenda item left its
    questions pointing at it: give those back to the secretary's queue, and let nothing else point at
    an item, proposal or record that is gone (it would be refused from now on, or attached to a new
    row with the same id). On PostgreSQL the foreign keys already kept these clean."""
    gone = "{column} IS NOT NULL AND {column} NOT IN (SELECT id FROM agenda_item)"
    op.execute("UPDATE question SET status = 'sent', agenda_item_id = NULL "
               "WHERE status = 'on_agenda' AND " + gone.format(column="agenda_item_id"))
    for table, column in (("question", "agenda_item_id"), ("question", "asked_item_id"),
                          ("proposal", "agenda_item_id"), ("said_did_record", "came_back_item_id")):
        op.execute(f"UPDATE {table} SET {column} = NULL WHERE " + gone.format(column=column))
    for kind, table in (("agenda-item", "agenda_item"), ("proposal", "proposal"), ("record", "said_did_record")):
        op.execute(f"DELETE FROM content_language WHERE kind = '{kind}' "
                   f"AND content_id NOT IN (SELECT id FROM {table})")


def upgrade():
    _repair_removed_items()
    for table in TABLES:
        with _batch(table, autoincrement=True) as batch_op:
            if table in OLD_INDEXES:
                batch_op.drop_index(OLD_INDEXES[table][0])
            for column in NEW_INDEXES.get(table, []):
                batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)
            for name, column, values in CHECKS.get(table, []):
                batch_op.create_check_constraint(batch_op.f(name), _in(column, values))
            if table == "proposal":
                batch_op.drop_constraint("fk_proposal_agenda_item_id_agenda_item", type_="foreignkey")
                batch_op.create_foreign_key("fk_proposal_agenda_item_id_agenda_item", "agenda_item",
                                            ["agenda_item_id"], ["id"], ondelete="SET NULL")


def downgrade():
    for table in reversed(TABLES):
        with _batch(table, autoincrement=False) as batch_op:
            if table == "proposal":
                batch_op.drop_constraint("fk_proposal_agenda_item_id_agenda_item", type_="foreignkey")
                batch_op.create_foreign_key("fk_proposal_agenda_item_id_agenda_item", "agenda_item",
                                            ["agenda_item_id"], ["id"])
            for name, _column, _values in CHECKS.get(table, []):
                batch_op.drop_constraint(batch_op.f(name), type_="check")
            for column in NEW_INDEXES.get(table, []):
                batch_op.drop_index(f"ix_{table}_{column}")
            if table in OLD_INDEXES:
                name, columns = OLD_INDEXES[table]
                batch_op.create_index(name, columns, unique=False)
