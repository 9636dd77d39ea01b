"""What each page shows, one module per page, each with ``render()``."""
