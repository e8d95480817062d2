"""A board's pages, and the secretary's pages for its people and login cards."""
