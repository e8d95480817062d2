"""Involvement payments and expenses (issue 17): claims, the secretary's checks, the finance file."""
