"""Content in more than one language, and "checked for easy read by" a self-advocate (issue #7)."""
