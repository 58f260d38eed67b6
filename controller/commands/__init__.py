"""One module per CLI verb; each exposes `register(subparsers)` and sets `handler` on its parser."""
