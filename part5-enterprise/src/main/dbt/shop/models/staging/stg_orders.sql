{{ config(materialized='view') }}
SELECT
  order_id,
  customer_id,
  CAST(amount AS DECIMAL(12, 2)) AS amount
FROM {{ source('shop', 'orders') }}
WHERE amount >= 0
