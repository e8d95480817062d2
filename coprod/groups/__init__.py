"""Self-advocacy groups on a board: a facilitator can later ask questions for the whole group."""
