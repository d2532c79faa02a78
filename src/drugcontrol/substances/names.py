"""How substance names are compared: one normal form for the registry's synonyms and searches."""

import re
import unicodedata


def normalize_name(text: str) -> str:
    """What name searches compare: NFKC, case-folded, without spaces, hyphens or commas."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\s\-,'’()\[\]]+", "", text)
