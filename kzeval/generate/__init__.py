"""Synthetic landing drops in the contracts' format: the embedded sample and the national scale."""
