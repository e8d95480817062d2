"""Safeguarding: each board's safeguarding lead, and the concerns they are told about."""
