package io.cachecheck.decode.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.ByteDecoder;
import io.cachecheck.decode.TreeReader;
import io.cachecheck.decode.compress.GzipDecoder;
import io.cachecheck.decode.compress.InflateDecoder;
import io.cachecheck.decode.compress.Lz4FrameDecoder;
import io.cachecheck.decode.compress.SnappyDecoder;
import io.cachecheck.decode.compress.ZstdDecoder;
import io.cachecheck.decode.jackson.JacksonTypeInfo;
import io.cachecheck.decode.javaser.JavaSerializationReader;
import io.cachecheck.decode.json.JsonReader;
import io.cachecheck.decode.msgpack.MessagePackReader;
import io.cachecheck.decode.php.PhpSerializeReader;
import io.cachecheck.decode.pickle.PickleReader;
import io.cachecheck.error.ContractException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The decode steps a contract may name, each declared once with its kind and what it reads. A reader is registered
 * as one {@link TreeReader} instance (readers are stateless and thread-safe).
 */
public final class DecodeSteps {
    /** What a step does, for the contract's error messages and the docs. */
    record Spec(String name, String description, Factory factory) {
    }

    @FunctionalInterface
    interface Factory {
        DecodeStep create(JsonNode options, String path);
    }

    public static final String HASH_FIELD = "hashField";

    private static final Map<String, Spec> STEPS = new LinkedHashMap<>();
    static {
        bytes("gzip", "gzip (RFC 1952)", GzipDecoder::new);
        bytes("zlib", "zlib (RFC 1950: Deflater, Python zlib.compress, Node zlib.deflateSync)", InflateDecoder::zlib);
        bytes("deflate", "raw deflate (RFC 1951, no zlib header: Node zlib.deflateRawSync)", InflateDecoder::rawDeflate);
        bytes("lz4", "LZ4 frame format (lz4-java LZ4FrameOutputStream, Python lz4.frame)", Lz4FrameDecoder::new);
        bytes("snappy", "raw Snappy (snappy-java Snappy.compress, python-snappy)", SnappyDecoder::new);
        bytes("zstd", "Zstandard (zstd-jni Zstd.compress, Python zstandard)", ZstdDecoder::new);
        reader("json", "JSON, UTF-8", new JsonReader());
        reader("msgpack", "MessagePack", new MessagePackReader());
        reader("java", "Java serialisation (ObjectOutputStream: Spring Boot's default JdkSerializationRedisSerializer), read without loading any class",
                new JavaSerializationReader());
        reader("php", "PHP serialize() (Laravel's default cache serialiser), read without running PHP", new PhpSerializeReader());
        reader("pickle", "Python pickle, protocols 0 to 5 (Django's RedisCache, django-redis), read without running Python",
                new PickleReader());
        STEPS.put("jackson-typed", new Spec("jackson-typed", "removes Jackson's type information (@class, wrapper arrays, Spring's NullValue)",
                (options, path) -> new DecodeStep.Transform("jackson-typed", new JacksonTypeInfo(
                        Options.text(options, path, "typeProperty", JacksonTypeInfo.DEFAULT_TYPE_PROPERTY)))));
        STEPS.put("envelope", new Spec("envelope", "takes the value out of an envelope field, e.g. {envelope: value}",
                (options, path) -> new DecodeStep.Transform("envelope", new Envelope(
                        Options.required(options, path, "field", "{envelope: value} (the field that holds the value)")))));
        STEPS.put(HASH_FIELD, new Spec(HASH_FIELD, "takes one field of a Redis hash, e.g. {hashField: data}",
                (options, path) -> new DecodeStep.HashField(
                        Options.required(options, path, "field", "{hashField: data} (the hash field that holds the value)"))));
    }

    private DecodeSteps() {
    }

    private static void bytes(String name, String description, Supplier<ByteDecoder> decoder) {
        ByteDecoder instance = decoder.get();
        STEPS.put(name, new Spec(name, description, (options, path) -> {
            Options.none(options, path, name);
            return new DecodeStep.Bytes(name, instance);
        }));
    }

    private static void reader(String name, String description, TreeReader reader) {
        STEPS.put(name, new Spec(name, description, (options, path) -> {
            Options.none(options, path, name);
            return new DecodeStep.Read(name, reader);
        }));
    }

    static DecodeStep create(String name, JsonNode options, String path) {
        Spec spec = STEPS.get(name);
        if (spec == null) {
            throw new ContractException(path + ": unknown decode step '" + name + "'; use one of " + String.join(", ", STEPS.keySet())
                    + io.cachecheck.error.DidYouMean.hint(name, STEPS.keySet()));
        }
        return spec.factory().create(options, path);
    }

    /** Whether this build reads {@code name}. */
    public static boolean available(String name) {
        return STEPS.containsKey(name);
    }

    /** The registered reader named {@code name}, when there is one. */
    static Optional<TreeReader> reader(String name) {
        return STEPS.containsKey(name) && STEPS.get(name).factory().create(null, name) instanceof DecodeStep.Read r
                ? Optional.of(r.reader()) : Optional.empty();
    }

    /** The registered decompressor named {@code name}, when there is one. */
    static Optional<ByteDecoder> decompressor(String name) {
        return STEPS.containsKey(name) && STEPS.get(name).factory().create(null, name) instanceof DecodeStep.Bytes b
                ? Optional.of(b.decoder()) : Optional.empty();
    }

    /** Reads a step's options: a text, or a mapping of named texts. */
    static final class Options {
        private Options() {
        }

        static void none(JsonNode options, String path, String name) {
            if (options != null && !options.isNull()) {
                throw new ContractException(path + ": decode step '" + name + "' takes no options; write it as a plain name: " + name);
            }
        }

        static String text(JsonNode options, String path, String key, String fallback) {
            if (options == null || options.isNull()) {
                return fallback;
            }
            if (!options.isObject()) {
                throw new ContractException(path + ": options must be a mapping, e.g. {" + key + ": ...}");
            }
            options.fieldNames().forEachRemaining(k -> {
                if (!k.equals(key)) {
                    throw new ContractException(path + "." + k + ": unknown option; allowed here: " + key);
                }
            });
            JsonNode value = options.get(key);
            if (value == null || !value.isTextual() || value.textValue().isBlank()) {
                throw new ContractException(path + "." + key + ": must be a non-empty text value");
            }
            return value.textValue();
        }

        static String required(JsonNode options, String path, String key, String example) {
            if (options != null && options.isTextual() && !options.textValue().isBlank()) {
                return options.textValue().strip();
            }
            if (options == null || options.isNull()) {
                throw new ContractException(path + ": needs the field name, e.g. " + example);
            }
            return text(options, path, key, null);
        }
    }
}
