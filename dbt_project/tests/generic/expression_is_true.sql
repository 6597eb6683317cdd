{#- Rows where a boolean SQL expression over the model's columns is not true (nulls fail too,
    so write `x is null or ...` where a null is allowed). For consistency rules between columns
    of one row, e.g. tier counts adding up to the number of bodies. -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where ({{ expression }}) is distinct from true
{% endtest %}
