"""Every write of the nps app: keyword-only arguments, one transaction, one audit event."""
