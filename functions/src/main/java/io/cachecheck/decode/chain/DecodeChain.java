package io.cachecheck.decode.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.CachedNull;
import io.cachecheck.decode.javaser.JavaSerializationReader;
import io.cachecheck.decode.CorruptReasons;
import io.cachecheck.decode.Decoded;
import io.cachecheck.decode.FieldShape;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;
import io.cachecheck.decode.Utf8;
import io.cachecheck.decode.json.FlatJson;
import io.cachecheck.error.ContractException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How one namespace's stored bytes become the fields that are compared: the contract's {@code decode} list, in
 * order, e.g. {@code [gzip, json, jackson-typed]}. A chain is:
 * <ol>
 *   <li>for a Redis hash only, {@code {hashField: <name>}}: the hash field that holds the value;</li>
 *   <li>any number of decompressions ({@code gzip}, {@code zlib}, {@code deflate}, {@code lz4}, {@code snappy},
 *       {@code zstd});</li>
 *   <li>one reader ({@code json}, {@code msgpack}), optional for a {@code string} value (then the text is compared);</li>
 *   <li>any number of transforms of the read tree ({@code jackson-typed}, {@code {envelope: value}}).</li>
 * </ol>
 * Without a {@code decode} list a namespace keeps the {@code valueType} behaviour: a JSON object, the hash fields as
 * text, or the string as text. Every failure is a CORRUPT reason, never an exception; when the bytes look like another
 * format than the one declared, the reason says which and what to declare ({@link FormatSniffer}).
 */
public final class DecodeChain {
    /** How the value is stored in Redis (the namespace's valueType). */
    public enum Layout { JSON, HASH, STRING }

    private final Layout layout;
    private final boolean declared;
    private final String hashField;
    private final byte[] hashFieldBytes;
    private final List<DecodeStep.Bytes> decompress;
    private final DecodeStep.Read reader;
    private final List<DecodeStep.Transform> transforms;
    private final List<String> names;

    private DecodeChain(Layout layout, boolean declared, String hashField, List<DecodeStep.Bytes> decompress,
                        DecodeStep.Read reader, List<DecodeStep.Transform> transforms, List<String> names) {
        this.layout = layout;
        this.declared = declared;
        this.hashField = hashField;
        this.hashFieldBytes = hashField == null ? null : hashField.getBytes(StandardCharsets.UTF_8);
        this.decompress = List.copyOf(decompress);
        this.reader = reader;
        this.transforms = List.copyOf(transforms);
        this.names = List.copyOf(names);
    }

    /** The valueType behaviour, for a namespace without a {@code decode} list. */
    public static DecodeChain defaultFor(Layout layout) {
        return new DecodeChain(layout, false, null, List.of(),
                layout == Layout.JSON ? (DecodeStep.Read) DecodeSteps.create("json", null, "json") : null, List.of(),
                layout == Layout.JSON ? List.of("json") : List.of());
    }

    /**
     * Reads a contract's {@code decode} list.
     *
     * @param path the field's path for error messages, e.g. {@code namespaces[0] (order).decode}
     */
    public static DecodeChain parse(JsonNode node, String path, Layout layout) {
        if (node == null || node.isNull()) {
            return defaultFor(layout);
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new ContractException(path + ": must be a list of decode steps, e.g. [gzip, json] (see docs/formats.md)");
        }
        String hashField = null;
        List<DecodeStep.Bytes> decompress = new ArrayList<>();
        DecodeStep.Read reader = null;
        List<DecodeStep.Transform> transforms = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode item = node.get(i);
            String name;
            JsonNode options = null;
            if (item.isTextual() && !item.textValue().isBlank()) {
                name = item.textValue().strip();
            } else if (item.isObject() && item.size() == 1) {
                name = item.fieldNames().next();
                options = item.get(name);
            } else {
                throw new ContractException(at + ": must be a step name (gzip) or a mapping with one step and its options"
                        + " ({envelope: value})");
            }
            DecodeStep step = DecodeSteps.create(name, options, at);
            names.add(name);
            if (step instanceof DecodeStep.HashField h) {
                if (layout != Layout.HASH) {
                    throw new ContractException(at + ": hashField reads a Redis hash; this namespace's valueType is "
                            + layout.name().toLowerCase(java.util.Locale.ROOT) + "; remove it or use valueType: hash");
                }
                if (i != 0) {
                    throw new ContractException(at + ": hashField must be the first step: it picks the bytes the other steps decode");
                }
                hashField = h.field();
            } else if (step instanceof DecodeStep.Bytes b) {
                if (reader != null) {
                    throw new ContractException(at + ": '" + name + "' decompresses bytes, so it goes before the reader '"
                            + reader.name() + "'; order the steps as decompress, read, unwrap");
                }
                decompress.add(b);
            } else if (step instanceof DecodeStep.Read r) {
                if (reader != null) {
                    throw new ContractException(at + ": a second reader '" + name + "' after '" + reader.name()
                            + "'; a chain reads the bytes once (decompress, read, unwrap)");
                }
                reader = r;
            } else if (step instanceof DecodeStep.Transform t) {
                if (reader == null) {
                    throw new ContractException(at + ": '" + name + "' works on a read value, so it goes after a reader"
                            + " such as json; e.g. [json, " + name + "]");
                }
                transforms.add(t);
            }
        }
        if (layout == Layout.HASH && hashField == null) {
            throw new ContractException(path + ": a hash value is decoded from one of its fields; start with {hashField: <field>},"
                    + " e.g. [{hashField: data}, json], or remove decode to compare the hash fields as they are");
        }
        if (reader == null && layout != Layout.STRING) {
            throw new ContractException(path + ": no reader; add one that turns the bytes into fields, e.g. "
                    + (names.isEmpty() ? "[json]" : "[" + String.join(", ", names) + ", json]"));
        }
        return new DecodeChain(layout, true, hashField, decompress, reader, transforms, names);
    }

    /** Whether the contract declared this chain (false: the valueType default). */
    public boolean declared() {
        return declared;
    }

    /** Whether mapped fields are paths into a read value tree (dotted through objects), not flat hash fields. */
    public boolean readsTree() {
        return reader != null && layout != Layout.STRING;
    }

    /** The hash field the value is read from; null when not a hash, or the hash fields are compared as they are. */
    String hashField() {
        return hashField;
    }

    /** The step names in order, as the contract writes them. */
    public List<String> names() {
        return names;
    }

    @Override
    public String toString() {
        return "[" + String.join(", ", names) + "]";
    }

    /**
     * Decodes a Redis string value.
     *
     * @param shape the fields an object may have; null to accept any
     */
    public Decoded decodeString(byte[] bytes, FieldShape shape, int maxValueBytes) {
        return decodeString(bytes, shape, maxValueBytes, null);
    }

    /** As {@link #decodeString(byte[], FieldShape, int)}, recording each step in {@code trace} (null: none). */
    public Decoded decodeString(byte[] bytes, FieldShape shape, int maxValueBytes, DecodeTrace trace) {
        if (bytes.length > maxValueBytes) {
            return traced(trace, "size check", Decoded.corrupt(CorruptReasons.tooLarge(bytes.length, maxValueBytes)));
        }
        if (springNullValue(bytes, maxValueBytes)) {
            return traced(trace, "spring NullValue", Decoded.CACHED_NULL);
        }
        if (!declared) {
            return traced(trace, layout == Layout.JSON ? "json (valueType json)" : "text (valueType string)",
                    hinted(ValueDecoder.string(bytes, layout == Layout.JSON, shape, maxValueBytes), bytes, maxValueBytes));
        }
        return run(bytes, shape, maxValueBytes, trace);
    }

    private static Decoded traced(DecodeTrace trace, String step, Decoded decoded) {
        if (trace != null) {
            trace.result(step, decoded);
        }
        return decoded;
    }

    /**
     * Decodes a Redis hash value: its fields as text, or with {@code hashField} the value in that one field.
     *
     * @param shape the fields the value may have; null to accept any
     */
    public Decoded decodeHash(Map<byte[], byte[]> hash, FieldShape shape, int maxValueBytes) {
        return decodeHash(hash, shape, maxValueBytes, null);
    }

    /** As {@link #decodeHash(Map, FieldShape, int)}, recording each step in {@code trace} (null: none). */
    public Decoded decodeHash(Map<byte[], byte[]> hash, FieldShape shape, int maxValueBytes, DecodeTrace trace) {
        if (hashField == null) {
            return traced(trace, "hash fields as text (valueType hash)", ValueDecoder.hash(hash, shape, maxValueBytes));
        }
        for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
            if (Arrays.equals(e.getKey(), hashFieldBytes)) {
                byte[] bytes = e.getValue();
                if (trace != null) {
                    trace.produced("hashField " + hashField, DecodeTrace.bytes(bytes.length));
                }
                if (bytes.length > maxValueBytes) {
                    return traced(trace, "size check", Decoded.corrupt(CorruptReasons.tooLarge(bytes.length, maxValueBytes)));
                }
                return run(bytes, shape, maxValueBytes, trace);
            }
        }
        return traced(trace, "hashField " + hashField, Decoded.corrupt("hash-field-missing: the hash has no field " + hashField));
    }

    /**
     * Whether the value is Spring's cached null. {@code RedisCache} writes {@code NullValue} with JDK serialisation
     * whatever the configured value serialiser (its {@code BINARY_NULL_VALUE}), so a namespace of JSON values holds
     * such nulls too. Only a value with the Java stream header is read, and only a NullValue counts.
     */
    private static boolean springNullValue(byte[] bytes, int maxValueBytes) {
        if (bytes.length > 256 || !JavaSerializationReader.hasStreamHeader(bytes)) {
            return false;
        }
        try {
            return SPRING_NULL_READER.read(bytes, ReadLimits.ofMaxBytes(maxValueBytes)) instanceof CachedNull;
        } catch (UndecodableException e) {
            return false;
        }
    }

    private static final JavaSerializationReader SPRING_NULL_READER = new JavaSerializationReader();

    private Decoded run(byte[] stored, FieldShape shape, int maxValueBytes, DecodeTrace trace) {
        ReadLimits limits = ReadLimits.ofMaxBytes(maxValueBytes);
        String current = null; // the step running, for the trace only
        try {
            byte[] bytes = stored;
            for (DecodeStep.Bytes step : decompress) {
                current = step.name();
                bytes = step.decoder().decode(bytes, limits);
                if (trace != null) {
                    trace.produced(current, DecodeTrace.bytes(bytes.length));
                }
            }
            if (reader == null) {
                String text = Utf8.text(bytes);
                return traced(trace, "text", text == null ? Decoded.corrupt(hint(CorruptReasons.NOT_UTF8, stored, limits))
                        : Decoded.of(Map.of("value", text)));
            }
            current = reader.name();
            if (transforms.isEmpty() && layout != Layout.STRING && reader.name().equals("json")) {
                // the plain-JSON fast path (flat objects streamed into the field map), after any decompression
                return traced(trace, current, hinted(ValueDecoder.string(bytes, true, shape, maxValueBytes), stored, maxValueBytes));
            }
            JsonNode root = reader.reader().read(bytes, limits);
            if (trace != null) {
                trace.produced(current, root instanceof CachedNull ? "a cached null" : DecodeTrace.describe(root));
            }
            for (DecodeStep.Transform step : transforms) {
                current = step.name();
                root = step.transform().apply(root, limits);
                if (trace != null) {
                    trace.produced(current, root instanceof CachedNull ? "a cached null" : DecodeTrace.describe(root));
                }
            }
            return traced(trace, "field check", fields(root, shape, stored, limits));
        } catch (UndecodableException e) {
            return traced(trace, current, Decoded.corrupt(hint(e.reason(), stored, limits)));
        } catch (RuntimeException e) {
            // a reader's defect must not fail the shard: the value is undecodable, and the reason says by what
            return traced(trace, current, Decoded.corrupt("undecodable: " + toString() + " failed on this value ("
                    + e.getClass().getSimpleName() + ")"));
        }
    }

    private Decoded fields(JsonNode root, FieldShape shape, byte[] stored, ReadLimits limits) {
        if (root instanceof CachedNull) {
            return Decoded.CACHED_NULL;
        }
        if (layout == Layout.STRING) {
            if (root.isContainerNode()) {
                return Decoded.corrupt(hint("not-a-single-value", stored, limits));
            }
            return Decoded.of(Map.of("value", root.isTextual() ? root.textValue() : root));
        }
        if (!root.isObject()) {
            return Decoded.corrupt(hint(reader.name().equals("json") ? CorruptReasons.NOT_A_JSON_OBJECT : "not-an-object", stored, limits));
        }
        Map<String, Object> fields = FlatJson.treeFields(root);
        List<String> unexpected = shape == null ? null : shape.unexpected(fields);
        if (unexpected != null) {
            return Decoded.unexpectedFields(unexpected);
        }
        Decoded typed = !names.contains("jackson-typed") && reader.name().equals("json") ? ValueDecoder.jacksonTypeWrapper(fields) : null;
        return typed != null ? typed : Decoded.of(fields);
    }

    /** A decode failure of {@code bytes}, with what they look like when that is another format than declared. */
    private Decoded hinted(Decoded decoded, byte[] stored, int maxValueBytes) {
        if (!decoded.corrupt() || decoded.corruptReason().startsWith(CorruptReasons.TOO_LARGE)) {
            return decoded;
        }
        if (decoded.corruptReason().equals(CorruptReasons.UNEXPECTED_FIELDS)) {
            String hint = FormatSniffer.unexpectedFieldsHint(decoded.corruptFields(), names);
            return hint == null ? decoded : new Decoded(null, decoded.corruptReason() + hint, decoded.corruptFields(), false);
        }
        return Decoded.corrupt(hint(decoded.corruptReason(), stored, ReadLimits.ofMaxBytes(maxValueBytes)));
    }

    private String hint(String reason, byte[] stored, ReadLimits limits) {
        if (reason.startsWith(CorruptReasons.TOO_LARGE)) {
            return reason;
        }
        return reason + FormatSniffer.hint(reason, stored, this, limits);
    }
}
