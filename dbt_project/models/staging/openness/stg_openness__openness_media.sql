-- Landed `openness_media` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    "year",
    language,
    events_high_publicity,
    events_total,
    media_requests,
    media_answers,
    media_answers_late,
    media_satisfied_pct,
    population_satisfied_pct,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'openness_media') }}
