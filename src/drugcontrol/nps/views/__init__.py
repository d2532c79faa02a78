"""The NPS pages; one module per part, the names the URLs use are imported here."""
