{#- dbt per year (docs/architecture-storage.md, step 6). A run of one assessment year passes it as
    the var `kzeval_year` (kzeval's one dbt invocation); the marts holding a `year` column are then
    incremental: the run's year is deleted and rebuilt (delete+insert on `year`), every other year
    is left as it was. Without the var (a full rebuild, a run with no year) every mart is rebuilt
    whole, as a table is. -#}

{% macro run_year() -%}
    {%- set year = var('kzeval_year', none) -%}
    {%- if year is none or year | string | trim == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(year | int) }}
{%- endmacro %}

{#- `<column> = <run year>` when the mart is built incrementally for a year, else `true`. -#}
{% macro in_run_year(column='"year"', offset_from=0, offset_to=0) -%}
    {%- set year = run_year() -%}
    {%- if year is none or not is_incremental() -%}
        true
    {%- elif offset_from == 0 and offset_to == 0 -%}
        {{ column }} = {{ year }}
    {%- else -%}
        {{ column }} between {{ year + offset_from }} and {{ year + offset_to }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of a per-year mart (config `pre_hook`): deletes the run's year even when its rows are
    gone from the source (delete+insert alone deletes only the years present in the new rows). -#}
{% macro delete_run_year() -%}
    {%- set year = run_year() -%}
    {%- if year is not none and is_incremental() -%}
        delete from {{ this }} where "year" = {{ year }}
    {%- endif -%}
{%- endmacro %}

{#- Data tests on the large per-year marts (the grain tests holding `year`, the JSON check of
    fct_indicator_scores.inputs) have the config
        where: "{{ 'year = ' ~ var('kzeval_year') if var('kzeval_year', none) is not none else 'true' }}"
    (written out: dbt renders a test's config without the project's macros): a run tests the year it
    rebuilt; the other years' rows are unchanged and were tested when they were built. Relationship
    tests stay unscoped: a dimension is rebuilt whole by every run. -#}
