# Reads orders as JSON lines [key, order_id, status, total, updated_at ISO] on stdin and writes, per order, the hex of
# what Django's RedisCache stores for the dict: pickle.dumps(value, pickle.HIGHEST_PROTOCOL). Used by LaravelDjangoIT.
import datetime, decimal, json, pickle, sys
for line in sys.stdin:
    key, order_id, status, total, at = json.loads(line)
    value = {"order_id": order_id, "status": status, "total": decimal.Decimal(total),
             "updated_at": datetime.datetime.fromisoformat(at)}
    print(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL).hex())
