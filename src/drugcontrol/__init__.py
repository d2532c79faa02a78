"""drugcontrol: open information system for international drug-control cooperation."""

__version__ = "0.1.0"
