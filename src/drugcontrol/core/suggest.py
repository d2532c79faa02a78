"""What a suggestion endpoint (a datalist filled as the reader types) shares: the typed text
and the bound on what is answered."""

# Options answered at most, and the shortest text that asks for them.
SUGGESTIONS = 10
SHORTEST = 2
LONGEST = 300


def typed_text(request, *field_prefixes: str) -> str:
    """The text typed: `q`, or the field that asked (htmx sends it under the field's own
    name, e.g. `substance-0` or `party-2`, and names that field in its `HX-Trigger-Name`
    header, so a field of another name, `line-substance-1` or `chemical`, is read too).
    Text past LONGEST is cut."""
    for key, value in request.GET.items():
        if key == "q" or key.startswith(field_prefixes):
            return value.strip()[:LONGEST]
    asking = request.headers.get("HX-Trigger-Name") or ""
    if asking and asking in request.GET:
        return request.GET[asking].strip()[:LONGEST]
    return ""
