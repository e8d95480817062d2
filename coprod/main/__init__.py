"""Home, help and about pages."""
