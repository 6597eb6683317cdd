{#- Like `relationships`, for the rows matching `from_condition` only: values of `column_name`
    that do not exist in `field` of `to`. E.g. a regional rollup's region_code must be a region
    of some agency, while the national row ('KZ') is not. Nulls pass. -#}
{% test relationships_where(model, column_name, to, field, from_condition='true') %}
select child.{{ column_name }}
from {{ model }} as child
where child.{{ column_name }} is not null
  and ({{ from_condition }})
  and not exists (
    select 1 from {{ to }} as parent where parent.{{ field }} = child.{{ column_name }}
  )
{% endtest %}
