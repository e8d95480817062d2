"""Signing in and out, login cards, magic links, passwords, settings and "someone is helping me"."""
