"""Reminders people choose (issue 17): the rules (services), the words (words), sending (sending,
notify) and the worker's jobs (tasks)."""
