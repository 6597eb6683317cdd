{#- Values that are not valid JSON objects (the `inputs` of an indicator). -#}
{% test valid_json(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null and (try_cast(json_valid({{ column_name }}) as boolean) is distinct from true)
{% endtest %}
