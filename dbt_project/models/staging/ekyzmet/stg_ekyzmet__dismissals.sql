-- Landed `dismissals` rows with their source file (for tracing a figure back to a file and row).
select
    agency_id,
    dismissed_on,
    left_system,
    exit_interview_done,
    exempt_from_interview,
    negative_reason,
    interview_channel,  -- electronic | paper (Appendix 12 note 6: paper ≤ 10 %)
    voluntary,  -- left «по собственному желанию»
    employee_id,  -- keyed pseudonym, never an IIN
    _file_path as source_file,
    _row_number as source_row
from {{ source('raw', 'dismissals') }}
