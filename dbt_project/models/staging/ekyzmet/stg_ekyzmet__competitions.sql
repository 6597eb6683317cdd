-- Landed `competitions` rows with their source file (for tracing a figure back to a file and row).
select
    competition_id,
    agency_id,
    held_on,
    took_place,
    has_observer,
    has_video,
    video_violations,
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'competitions') }}
