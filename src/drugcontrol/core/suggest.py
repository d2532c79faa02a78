"""What a suggestion endpoint (a datalist filled as the reader types) shares: the typed text
and the bound on what is answered."""

# Options answered at most, and the shortest text that asks for them.
SUGGESTIONS = 10
SHORTEST = 2
LONGEST = 300


def typed_text(request, *field_prefixes: str) -> str:
    """The text typed: `q`, or the field that asked (htmx sends it under the field's own
    name, e.g. `substance-0` or `party-2`). Text past LONGEST is cut."""
    for key, value in request.GET.items():
        if key == "q" or key.startswith(field_prefixes):
            return value.strip()[:LONGEST]
    return ""
