{{ config(materialized='table', dist='cafe', sort=['ordered_at']) }}

select 1 as order_id, 'Mocha'::varchar(20) as cafe, 3 as cups, '2024-03-01 08:15'::timestamp as ordered_at
union all
select 2, 'Latte'::varchar(20), 1, '2024-03-01 09:40'::timestamp
union all
select 3, 'Mocha'::varchar(20), 2, '2024-03-02 10:05'::timestamp
