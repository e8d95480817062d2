"""Asking questions before a meeting, "me too", "My questions", and the secretary's moderation."""
