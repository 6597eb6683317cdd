"""Assessment years the pipeline can be asked for (yearly partitions)."""

from __future__ import annotations

import dagster as dg

FIRST_YEAR = 2020
LAST_YEAR = 2030
YEARS = [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
yearly_partitions = dg.StaticPartitionsDefinition(YEARS)
monthly_partitions = dg.MonthlyPartitionsDefinition(start_date=f"{FIRST_YEAR}-01-01", end_offset=0)
