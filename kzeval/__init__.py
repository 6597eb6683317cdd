"""kzeval: the operational assessment of Kazakhstan's state bodies (CGO and MIO)."""

__version__ = "0.1.0"
