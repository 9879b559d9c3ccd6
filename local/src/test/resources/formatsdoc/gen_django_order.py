# Writes the docs/formats.md Django recipe's value exactly as django.core.cache.backends.redis.RedisSerializer does
# for a value that is not an int: pickle.dumps(value, pickle.HIGHEST_PROTOCOL). The dict is what a view caches for
# the recipe's order. Run: python3 gen_django_order.py > django-order.bin
import datetime, decimal, pickle, sys
order = {"order_id": 1000, "status": "PAID", "total": decimal.Decimal("111185.20"),
         "updated_at": datetime.datetime(2025, 3, 31, 3, 34, 16, 100000, tzinfo=datetime.timezone.utc)}
sys.stdout.buffer.write(pickle.dumps(order, pickle.HIGHEST_PROTOCOL))
