-- Rebuild the inputs of R1 (appeal_review_timeliness) of one body and year from the landed rows
-- (raw.appeals) and the agency hierarchy, and put them next to the stored ones. Run it with
--   .venv/bin/duckdb -readonly data/warehouse/kzeval.duckdb < docs/sql/rebuild_appeal_review_timeliness_inputs.sql
-- p: complaints and applications of the body (and its sub-units) reviewed in the year;
-- f: of them, reviewed after their due date. Commission corrections (audit.corrections_applied)
-- are not applied here: a corrected figure differs by exactly those corrections.
set variable assessment_year = 2024;
set variable body = 'CGO-MF';

with rebuilt as (
    select
        u.assessed_agency_id as agency_id,
        count(*) filter (where year(a.reviewed_on) = getvariable('assessment_year')) as p,
        count(*) filter (
            where year(a.reviewed_on) = getvariable('assessment_year') and a.reviewed_on > a.due_on
        ) as f
    from raw.appeals as a
    inner join staging.stg_kzeval__agencies as u on a.agency_id = u.agency_id
    where a.kind in ('complaint', 'application') and u.assessed_agency_id = getvariable('body')
    group by u.assessed_agency_id
),

stored as (
    select
        agency_id,
        max("value") filter (where input_name = 'p') as p,
        max("value") filter (where input_name = 'f') as f
    from marts.fct_indicator_inputs
    where
        "year" = getvariable('assessment_year')
        and agency_id = getvariable('body')
        and indicator = 'appeal_review_timeliness'
    group by agency_id
)

select
    r.agency_id,
    r.p as p_rebuilt,
    s.p as p_stored,
    r.f as f_rebuilt,
    s.f as f_stored
from rebuilt as r
left join stored as s on r.agency_id = s.agency_id;
