"""Landing: read drop files, type them, validate them, quarantine bad rows, keep raw files."""
