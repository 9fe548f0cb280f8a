{# bind=false: a late-binding view (CREATE VIEW ... WITH NO SCHEMA BINDING) #}
{{ config(materialized='view', bind=False) }}

select cafe, count(*) as orders
from {{ ref('cafe_orders') }}
group by cafe
