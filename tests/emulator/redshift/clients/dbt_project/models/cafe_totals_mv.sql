{{ config(materialized='materialized_view', auto_refresh=false) }}

select cafe, max(ordered_at) as last_order
from {{ ref('cafe_orders') }}
group by cafe
