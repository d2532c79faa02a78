"""Who may do which action in the nps app: one rule per action (core.permissions)."""
