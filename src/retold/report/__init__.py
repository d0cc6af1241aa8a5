"""Terminal, JSON and HTML renderings of the same result objects."""
