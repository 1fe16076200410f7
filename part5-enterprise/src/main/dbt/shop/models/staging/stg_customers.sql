SELECT
  customer_id,
  UPPER(country) AS country
FROM {{ source('shop', 'customers') }}
