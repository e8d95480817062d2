"""Site admin: boards, everyone's accounts, the audit log."""
