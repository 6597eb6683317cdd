-- One row per indicator code of methodology §10 (written by the pipeline from kzeval.methodology),
-- with the methodology readings its stored figures were computed under.
with reading_keys as (
    select
        s.indicator,
        string_agg(distinct split_part(r.reading_item, '=', 1), ';' order by split_part(r.reading_item, '=', 1))
            as readings
    from {{ ref('stg_kzeval__indicator_scores') }} as s,
        unnest(string_split(s.reading, ';')) as r (reading_item)
    where s.reading is not null and s.reading <> 'default'
    group by s.indicator
)

select
    d.indicator,
    d.legal_symbol,
    d.label_ru,
    d.block,
    d.direction,
    d."role",
    d.max_points_cgo,
    d.max_points_mio,
    d.is_penalty,
    d.paragraph,
    d.confidence,
    d.formula,
    k.readings
from {{ ref('stg_kzeval__indicator_definitions') }} as d
left join reading_keys as k on d.indicator = k.indicator
