"""Decide: proposals and voting, one person one vote."""
