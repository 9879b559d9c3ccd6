#!/usr/bin/env python3
"""Writes the pickle fixtures that PickleReaderTest reads: one NAME.bin per case in the given directory.

    python3 gen_pickle.py functions/src/test/resources/formats/pickle

The values are made by the writers that production uses:
- django-*: Django's own Redis cache serialiser (django.core.cache.backends.redis.RedisSerializer, pickle
  HIGHEST_PROTOCOL, integers stored unpickled) and redis-py's encoder, when Django and redis-py are importable;
  otherwise the same two steps written out below (the cases are then byte-identical for Python 3.8 and later).
- djredis-*: django-redis's DefaultClient.encode() with its PickleSerializer (pickle DEFAULT_PROTOCOL, integers but
  not booleans stored unpickled). django-redis is not installable here, so encode() is copied below from
  jazzband/django-redis django_redis/client/default.py (commit 755dfb24).
- django-model-*: a real Django model on an in-memory SQLite database (needs Django; skipped without it).
- py-*: plain pickle.dumps at each protocol.
Prints the case names it wrote, one per line.
"""
import collections
import datetime
import decimal
import os
import pickle
import sys
import types

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
WRITTEN = []


def write(name, data):
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(data)
    WRITTEN.append(name)


try:
    from django.core.cache.backends.redis import RedisSerializer
    HAVE_DJANGO = True
except ImportError:
    HAVE_DJANGO = False

    class RedisSerializer:  # Django 5.2's, for machines without Django
        def __init__(self, protocol=None):
            self.protocol = pickle.HIGHEST_PROTOCOL if protocol is None else protocol

        def dumps(self, obj):
            if type(obj) is int:
                return obj
            return pickle.dumps(obj, self.protocol)

try:
    from redis.connection import Encoder

    def redis_bytes(value):
        return Encoder("utf-8", "strict", False).encode(value)
except ImportError:
    def redis_bytes(value):  # redis-py's Encoder.encode for the two types a serialiser returns here
        return value if isinstance(value, bytes) else repr(value).encode()


def django_cache(value):
    """The bytes Django's RedisCache.set() sends to Redis."""
    return redis_bytes(RedisSerializer().dumps(value))


def django_redis(value):
    """django-redis DefaultClient.encode() with PickleSerializer and the default IdentityCompressor."""
    if isinstance(value, bool) or not isinstance(value, int):
        return redis_bytes(pickle.dumps(value, pickle.DEFAULT_PROTOCOL))
    return redis_bytes(value)


UTC = datetime.timezone.utc
ORDER = {
    "id": 1001,
    "status": "paid",
    "total": decimal.Decimal("111185.20"),
    "currency": "EUR",
    "paid": True,
    "note": None,
    "updated_at": datetime.datetime(2025, 3, 31, 3, 34, 16, 100000, tzinfo=UTC),
}
NESTED = {
    "customer": {"name": "Zoë Ødegård", "tags": ["vip", "new"], "address": {"city": "Málaga", "zip": "29001"}},
    "lines": [{"sku": "A-1", "qty": 2, "price": decimal.Decimal("12.50")},
              {"sku": "B-2", "qty": 1, "price": decimal.Decimal("0.10")}],
    "coords": (36.72, -4.42),
    "empty": {},
    "none": [],
}
UNICODE = ["Grüße", "世界", "🎉 party", "back\\slash", "line\nbreak", "tab\tquote\"'", "", "\x00nul"]
INTS = [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**63 - 1, -2**63, 2**64, 2**100, -2**100]
FLOATS = [0.1, 0.1 + 0.2, 1e25, -0.0, 1.5e-7, 5e-324, 1.7976931348623157e308, 12.5, 100.0, -2.5]
SCALARS = [True, False, None, "x", 7, 2.5, decimal.Decimal("-0.001")]

# Django's RedisCache (pickle protocol 5)
write("django-order", django_cache(ORDER))
write("django-nested", django_cache(NESTED))
write("django-unicode", django_cache(UNICODE))
write("django-ints", django_cache(INTS))
write("django-floats", django_cache(FLOATS))
write("django-scalars", django_cache(SCALARS))
write("django-raw-int", django_cache(42))
write("django-raw-negative", django_cache(-7))
write("django-raw-bigint", django_cache(2**70))
write("django-bool", django_cache(True))
write("django-decimal", django_cache(decimal.Decimal("12.50")))
write("django-bigint-long4", django_cache([2**2500, -2**2500]))
write("django-bytes", django_cache([b"\x00\x01binary\xff", bytearray(b"ba")]))
write("django-sets", django_cache({"set": {3}, "frozen": frozenset(["a"])}))
write("django-dates", django_cache({
    "naive": datetime.datetime(2025, 3, 31, 3, 34, 16),
    "utc": datetime.datetime(2025, 3, 31, 3, 34, 16, 100000, tzinfo=UTC),
    "est": datetime.datetime(2025, 3, 30, 22, 34, 16, 100000,
                             tzinfo=datetime.timezone(datetime.timedelta(hours=-5), "EST")),
    "day": datetime.date(2025, 3, 31),
    "micros": datetime.datetime(2025, 1, 1, 0, 0, 0, 123456, tzinfo=UTC),
}))
shared = [1, 2]
write("django-shared", django_cache({"a": shared, "b": shared}))

# django-redis (pickle DEFAULT_PROTOCOL, 4 on Python 3.8 to 3.13)
write("djredis-order", django_redis(ORDER))
write("djredis-nested", django_redis(NESTED))
write("djredis-raw-int", django_redis(42))
write("djredis-bool", django_redis(False))

# every protocol, with values that need no global other than decimal.Decimal
PORTABLE = {"id": 7, "name": "Grüße 世界 🎉 a\\b\nc", "price": decimal.Decimal("12.50"), "ok": True, "none": None,
            "ratio": 0.1, "big": 2**70, "neg": -2**31, "list": [1, [2, [3]]], "tuple": (1, "a"), "empty": {}}
for protocol in range(0, pickle.HIGHEST_PROTOCOL + 1):
    write("py-p%d" % protocol, pickle.dumps(PORTABLE, protocol))

# what needs code, or is not a value
shop = types.ModuleType("shop.models")  # stands for the application's models module
sys.modules["shop"] = types.ModuleType("shop")
sys.modules["shop"].models = shop
sys.modules["shop.models"] = shop


class Order:
    def __init__(self, order_id):
        self.order_id = order_id


Order.__module__ = "shop.models"
Order.__qualname__ = "Order"
shop.Order = Order
write("corrupt-user-class", django_cache(Order(1001)))
write("corrupt-ordereddict", django_cache(collections.OrderedDict(a=1)))
cycle = []
cycle.append(cycle)
write("corrupt-cycle", django_cache(cycle))
laughs = [1]
for _ in range(40):  # 2**40 elements once expanded, a few hundred bytes pickled (the memo shares them)
    laughs = [laughs, laughs]
write("corrupt-billion-laughs", django_cache(laughs))
deep = []
for _ in range(100):
    deep = [deep]
write("corrupt-deep", django_cache(deep))
write("corrupt-p2-bytes", pickle.dumps(b"ab", 2))
write("corrupt-p3-set", pickle.dumps({1}, 3))
write("corrupt-float-inf", django_cache(float("inf")))
write("corrupt-decimal-nan", django_cache(decimal.Decimal("NaN")))
write("corrupt-timedelta", django_cache(datetime.timedelta(days=1)))
try:
    import zoneinfo
    write("corrupt-zoneinfo", django_cache(datetime.datetime(2025, 3, 31, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))))
except Exception:  # no tz database on this machine
    pass

if HAVE_DJANGO:
    import django
    from django.conf import settings

    settings.configure(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
                       INSTALLED_APPS=[], USE_TZ=True, TIME_ZONE="UTC")
    django.setup()
    from django.db import connection, models

    class ShopOrder(models.Model):
        status = models.CharField(max_length=20)
        total = models.DecimalField(max_digits=12, decimal_places=2)
        currency = models.CharField(max_length=3)
        paid = models.BooleanField()
        note = models.TextField(null=True)
        updated_at = models.DateTimeField()

        class Meta:
            app_label = "shop"

    with connection.schema_editor() as editor:
        editor.create_model(ShopOrder)
    ShopOrder.objects.create(id=1001, status="paid", total=decimal.Decimal("111185.2"), currency="EUR", paid=True,
                             note=None, updated_at=datetime.datetime(2025, 3, 31, 3, 34, 16, 100000, tzinfo=UTC))
    # what a view caches with cache.set(key, Order.objects.values().get(pk=...)): a plain dict of column values
    write("django-model-values", django_cache(ShopOrder.objects.values().get(pk=1001)))
    write("django-model-values-list", django_cache(list(ShopOrder.objects.values_list("id", "total"))))
    # the model instance itself: Django rebuilds it with model_unpickle, which needs Django
    write("corrupt-django-model", django_cache(ShopOrder.objects.get(pk=1001)))

print("\n".join(WRITTEN))
