"""Emergence signals: the rules that find them (`rules`) and how their evidence reads
(`messages`). The services write them (nps/services/signals.py); the selectors read them
(nps/selectors_signals.py)."""
