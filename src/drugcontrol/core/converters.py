"""Path converters for the pages' URLs."""


class RecordIdConverter:
    """A record id in a page's address: at most 18 digits, so it always fits a 64-bit
    key (a longer number cannot name a row: the page answers 404, not a database error)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
