{#- Exact money-like rounding for scores (no floating-point sums: the result does not depend on
    the order rows are added in). Scores are handled as whole hundredths (BIGINT "cents"). -#}

{#- A score as DECIMAL(5,2) (0.00–100.00); a double is rounded to the nearest hundredth. -#}
{% macro score_decimal(expr) -%}
    cast({{ expr }} as decimal(5, 2))
{%- endmacro %}

{#- A score (DECIMAL or a double holding a 2-decimal value) as whole hundredths. -#}
{% macro score_cents(expr) -%}
    cast(cast({{ expr }} as decimal(5, 2)) * 100 as bigint)
{%- endmacro %}

{#- numerator / denominator (BIGINT, denominator > 0) rounded half away from zero to a whole number. -#}
{% macro div_round_half_away(numerator, denominator) -%}
    (sign({{ numerator }}) * ((2 * abs({{ numerator }}) + ({{ denominator }})) // (2 * ({{ denominator }}))))
{%- endmacro %}

{#- Whole hundredths back to a DECIMAL(6,2) (room for a signed change of up to ±100). -#}
{% macro cents_to_decimal(expr) -%}
    cast(cast({{ expr }} as decimal(18, 0)) * 0.01 as decimal(6, 2))
{%- endmacro %}
