<?php
/*
 * Writes the PHP serialize() fixtures that PhpSerializeReaderTest reads: one NAME.bin per case.
 *
 *     php gen_php.php functions/src/test/resources/formats/php
 *
 * laravel-* cases are the bytes Laravel's Redis cache store writes for a value: Illuminate\Cache\RedisStore::serialize()
 * (laravel/framework 13.x) stores finite numbers as they are and serialize()s everything else, and the Redis client
 * (phpredis or predis) sends a number as PHP's string conversion of it. Laravel itself is not installable here, so
 * that one line is copied below. The Eloquent-like model declares the same kind of protected and private properties
 * as Illuminate\Database\Eloquent\Model, whose __sleep() serialises all of them. Prints the case names it wrote.
 */

namespace App\Models {
    class Order
    {
        protected $connection = 'pgsql';
        protected $table = 'orders';
        protected $primaryKey = 'id';
        public $incrementing = true;
        public $exists = true;
        protected $attributes = [];
        protected $original = [];
        protected $casts = ['total' => 'decimal:2'];
        protected $relations = [];
        private $secretToken = 'internal';

        public function __construct(array $attributes)
        {
            $this->attributes = $attributes;
            $this->original = $attributes;
        }
    }
}

namespace App\Legacy {
    // Serializable without __serialize(): PHP writes its own data in the C: format (deprecated since PHP 8.1)
    class Token implements \Serializable
    {
        public function serialize()
        {
            return 'opaque';
        }

        public function unserialize($data)
        {
        }
    }
}

namespace App\Enums {
    enum Status: string
    {
        case Paid = 'paid';
        case Open = 'open';
    }
}

namespace Carbon {
    // Carbon\Carbon extends DateTime and serialises the same three properties (see PhpDateTime)
    class Carbon extends \DateTime
    {
    }
}

namespace {
    // Illuminate\Cache\RedisStore::serialize() and shouldBeStoredWithoutSerialization(), then the client's string cast
    function laravel_redis_store(mixed $value): string
    {
        return is_numeric($value) && is_finite($value) ? (string) $value : serialize($value);
    }

    error_reporting(E_ALL & ~E_DEPRECATED);
    $out = $argv[1];
    @mkdir($out, 0777, true);
    $written = [];
    $write = function (string $name, string $bytes) use ($out, &$written) {
        file_put_contents("$out/$name.bin", $bytes);
        $written[] = $name;
    };

    $row = [ // what DB::table('orders')->find(1001) holds with pdo_pgsql: numeric columns arrive as strings
        'id' => 1001,
        'status' => 'paid',
        'total' => '111185.20',
        'currency' => 'EUR',
        'paid' => true,
        'note' => null,
        'updated_at' => '2025-03-31 03:34:16',
    ];
    $write('laravel-array', laravel_redis_store($row));
    $write('laravel-stdclass', laravel_redis_store((object) $row));
    $write('laravel-model', laravel_redis_store(new App\Models\Order($row)));
    $write('laravel-nested', laravel_redis_store([
        'customer' => ['name' => 'Zoë Ødegård', 'tags' => ['vip', 'new'], 'address' => ['city' => 'Málaga', 'zip' => '29001']],
        'lines' => [['sku' => 'A-1', 'qty' => 2, 'price' => 12.5], ['sku' => 'B-2', 'qty' => 1, 'price' => 0.1]],
        'sparse' => [5 => 'five', 7 => 'seven'],
        'reordered' => [1 => 'one', 0 => 'zero'],
        'numeric_keys' => ['10' => 'ten', 'x' => 'ex'],
        'empty' => [],
    ]));
    $write('laravel-unicode', laravel_redis_store(['Grüße', '世界', '🎉 party', "back\\slash", "line\nbreak", "quote\"'", '', "\0nul"]));
    $write('laravel-ints', laravel_redis_store([0, 1, -1, 255, 65536, -2147483648, PHP_INT_MAX, PHP_INT_MIN]));
    $write('laravel-floats', laravel_redis_store([0.1, 0.1 + 0.2, 1e25, -0.0, 1.5e-7, 12.5, 100.0, -2.5]));
    $write('laravel-scalars', laravel_redis_store([true, false, null, 'x', 7, 2.5]));
    $write('laravel-raw-int', laravel_redis_store(42));
    $write('laravel-raw-negative', laravel_redis_store(-7));
    $write('laravel-raw-float', laravel_redis_store(0.1 + 0.2));
    $write('laravel-raw-numeric-string', laravel_redis_store('01234'));
    $write('laravel-string', laravel_redis_store('paid'));
    $write('laravel-bool', laravel_redis_store(false));
    $write('laravel-null', laravel_redis_store(null));
    $shared = new stdClass();
    $shared->sku = 'A-1';
    $list = [1, 2];
    $write('laravel-references', laravel_redis_store(['a' => $shared, 'b' => $shared, 'c' => &$list, 'd' => &$list]));
    $write('laravel-dates', laravel_redis_store([
        'paris' => new DateTimeImmutable('2025-03-31 05:34:16.1', new DateTimeZone('Europe/Paris')),
        'offset' => new DateTime('2025-03-31 05:34:16', new DateTimeZone('+02:00')),
        'utc' => new DateTime('2025-03-31 03:34:16.123456', new DateTimeZone('UTC')),
        'carbon' => new Carbon\Carbon('2025-03-31 03:34:16', new DateTimeZone('UTC')),
    ]));
    $write('laravel-enum', laravel_redis_store(['status' => App\Enums\Status::Paid]));

    // what cannot be read without code, or has no value
    $write('corrupt-custom-serializable', laravel_redis_store(['token' => new App\Legacy\Token()]));
    $self = new stdClass();
    $self->me = $self;
    $write('corrupt-cycle', laravel_redis_store($self));
    $bomb = new stdClass();
    for ($i = 0; $i < 40; $i++) { // 2**40 objects once references are copied, a few kilobytes serialised
        $next = new stdClass();
        $next->a = $bomb;
        $next->b = $bomb;
        $bomb = $next;
    }
    $write('corrupt-reference-bomb', laravel_redis_store($bomb));
    $deep = 1;
    for ($i = 0; $i < 100; $i++) {
        $deep = [$deep];
    }
    $write('corrupt-deep', laravel_redis_store($deep));
    $write('corrupt-float-inf', laravel_redis_store(INF));
    $write('corrupt-date-abbreviation', laravel_redis_store(new DateTime('2025-03-31 03:34:16 EST')));
    $write('corrupt-not-utf8', laravel_redis_store("caf\xe9"));

    echo implode("\n", $written), "\n";
}
