<?php
// Reads orders as JSON lines [key, order_id, status, total, updated_at] on stdin and writes, per order, the hex of what
// Laravel's RedisStore stores for the array: serialize($value). Used by LaravelDjangoIT.
while (($line = fgets(STDIN)) !== false) {
    [$key, $id, $status, $total, $at] = json_decode($line, true);
    echo $key, ' ', bin2hex(serialize(['order_id' => $id, 'status' => $status, 'total' => $total, 'updated_at' => $at])), "\n";
}
