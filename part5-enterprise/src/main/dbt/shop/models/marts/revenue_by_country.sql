SELECT
  c.country,
  SUM(o.amount) AS revenue,
  COUNT(*) AS orders
FROM {{ ref('stg_orders') }} AS o
JOIN {{ ref('stg_customers') }} AS c
  ON o.customer_id = c.customer_id
GROUP BY c.country
