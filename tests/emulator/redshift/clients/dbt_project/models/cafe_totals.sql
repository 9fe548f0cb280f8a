{{ config(materialized='view') }}

select cafe, sum(cups) as cups
from {{ ref('cafe_orders') }}
group by cafe
