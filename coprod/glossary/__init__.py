"""The jargon buster: a glossary of words from this field, linked wherever content uses them."""
