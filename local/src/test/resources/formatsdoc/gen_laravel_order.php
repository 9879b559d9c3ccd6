<?php
// Writes the docs/formats.md Laravel recipe's value exactly as Illuminate\Cache\RedisStore::serialize() does for a
// non-numeric value: PHP's serialize(). The row is what pdo_pgsql returns for the recipe's order (numeric and
// timestamptz columns as strings). Run: php gen_laravel_order.php > laravel-order.bin
$row = ['order_id' => 1000, 'status' => 'PAID', 'total' => '111185.20', 'updated_at' => '2025-03-31 03:34:16.1+00'];
echo serialize($row);
