-- Every named reading (a formula or rule the legal text leaves open), one row per option:
-- where it is decided (paragraph, the seed's deciding words), how sure kzeval is, and the default.
select
    reading_key,
    block,
    edition,
    paragraph,
    confidence,
    question,
    legal_text,
    option,
    option_order,
    option_description,
    is_default,
    default_option
from {{ ref('stg_kzeval__readings') }}
