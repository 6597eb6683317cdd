"""Indicator formulas of the methodologies, as pure functions over polars frames."""
