package io.cachecheck.decode.msgpack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cachecheck.decode.CorruptReasons;
import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.TreeReader;
import io.cachecheck.decode.UndecodableException;
import io.cachecheck.decode.Utf8;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;

/**
 * Reads one MessagePack value (msgpack-core's unpacker, Python's {@code msgpack.packb}, Node's msgpackr, Jackson's
 * {@code MessagePackFactory}) into the neutral tree: maps as objects (string keys; integer and boolean keys as their
 * text), arrays, integers, floats as their exact shortest decimal ({@code 0.1f} is {@code 0.1}), strings (strict
 * UTF-8), binary as base64 text, the timestamp extension as ISO-8601 UTC text, nil as null.
 *
 * <p>Bounds: every length in the stream is checked against the bytes left before anything is read or allocated
 * (a header claiming a billion elements stops at once), nesting against {@link ReadLimits#maxDepth()} and the
 * number of values against {@link ReadLimits#maxNodes()}. Other extension types, NaN and infinite floats (which have
 * no exact value to compare), keys of other types, a key written twice and bytes after the value are CORRUPT.
 */
public final class MessagePackReader implements TreeReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final MessagePack.UnpackerConfig CONFIG = new MessagePack.UnpackerConfig()
            .withAllowReadingBinaryAsString(false).withAllowReadingStringAsBinary(false);

    @Override
    public JsonNode read(byte[] bytes, ReadLimits limits) throws UndecodableException {
        if (bytes.length > limits.maxBytes()) {
            throw new UndecodableException(CorruptReasons.tooLarge(bytes.length, limits.maxBytes()));
        }
        if (bytes.length == 0) {
            throw new UndecodableException("msgpack: empty value");
        }
        try (MessageUnpacker in = CONFIG.newUnpacker(bytes)) {
            Reading r = new Reading(in, bytes.length, limits);
            JsonNode root = r.value(0);
            long left = bytes.length - in.getTotalReadBytes();
            if (left > 0) {
                throw new UndecodableException("msgpack: " + left + " bytes after the value (not one MessagePack value)");
            }
            return root;
        } catch (MessageInsufficientBufferException e) {
            throw new UndecodableException("msgpack: truncated data");
        } catch (MessagePackException | IOException | ArithmeticException e) {
            throw new UndecodableException("msgpack: not valid MessagePack data");
        }
    }

    private static final class Reading {
        private final MessageUnpacker in;
        private final long total;
        private final ReadLimits limits;
        private int nodes;

        Reading(MessageUnpacker in, long total, ReadLimits limits) {
            this.in = in;
            this.total = total;
            this.limits = limits;
        }

        private long left() {
            return total - in.getTotalReadBytes();
        }

        JsonNode value(int depth) throws IOException, UndecodableException {
            if (++nodes > limits.maxNodes()) {
                throw new UndecodableException(CorruptReasons.TOO_LARGE + ": more than " + limits.maxNodes() + " MessagePack values");
            }
            MessageFormat format = in.getNextFormat();
            switch (format.getValueType()) {
                case NIL -> {
                    in.unpackNil();
                    return NullNode.getInstance();
                }
                case BOOLEAN -> {
                    return BooleanNode.valueOf(in.unpackBoolean());
                }
                case INTEGER -> {
                    if (format == MessageFormat.UINT64) {
                        BigInteger v = in.unpackBigInteger();
                        return v.bitLength() < 64 ? LongNode.valueOf(v.longValue()) : BigIntegerNode.valueOf(v);
                    }
                    long v = in.unpackLong();
                    return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
                }
                case FLOAT -> {
                    String text = format == MessageFormat.FLOAT32 ? Float.toString(in.unpackFloat()) : Double.toString(in.unpackDouble());
                    if (text.equals("NaN") || text.endsWith("Infinity")) {
                        throw new UndecodableException("msgpack: a float is NaN or infinite, which has no exact value to compare");
                    }
                    return DecimalNode.valueOf(new BigDecimal(text));
                }
                case STRING -> {
                    return TextNode.valueOf(text(in.unpackRawStringHeader()));
                }
                case BINARY -> {
                    return TextNode.valueOf(Base64.getEncoder().encodeToString(payload(in.unpackBinaryHeader())));
                }
                case ARRAY -> {
                    int n = in.unpackArrayHeader();
                    depth(depth);
                    if (n > left()) {
                        throw new UndecodableException("msgpack: truncated data");
                    }
                    ArrayNode array = NODES.arrayNode();
                    for (int i = 0; i < n; i++) {
                        array.add(value(depth + 1));
                    }
                    return array;
                }
                case MAP -> {
                    int n = in.unpackMapHeader();
                    depth(depth);
                    if ((long) n * 2 > left()) {
                        throw new UndecodableException("msgpack: truncated data");
                    }
                    ObjectNode object = NODES.objectNode();
                    for (int i = 0; i < n; i++) {
                        String key = key();
                        if (object.has(key)) {
                            throw new UndecodableException(CorruptReasons.DUPLICATE_FIELD);
                        }
                        object.set(key, value(depth + 1));
                    }
                    return object;
                }
                case EXTENSION -> {
                    ExtensionTypeHeader header = in.unpackExtensionTypeHeader();
                    if (header.getLength() > left()) {
                        throw new UndecodableException("msgpack: truncated data");
                    }
                    if (header.isTimestampType()) {
                        return TextNode.valueOf(in.unpackTimestamp(header).toString());
                    }
                    throw new UndecodableException("msgpack: extension type " + header.getType() + " is not supported");
                }
                default -> throw new UndecodableException("msgpack: not valid MessagePack data");
            }
        }

        private void depth(int depth) throws UndecodableException {
            if (depth >= limits.maxDepth()) {
                throw new UndecodableException(CorruptReasons.TOO_LARGE + ": MessagePack nesting deeper than " + limits.maxDepth() + " levels");
            }
        }

        private String key() throws IOException, UndecodableException {
            MessageFormat format = in.getNextFormat();
            switch (format.getValueType()) {
                case STRING -> {
                    nodes++;
                    return text(in.unpackRawStringHeader());
                }
                case INTEGER -> {
                    nodes++;
                    return format == MessageFormat.UINT64 ? in.unpackBigInteger().toString() : Long.toString(in.unpackLong());
                }
                case BOOLEAN -> {
                    nodes++;
                    return Boolean.toString(in.unpackBoolean());
                }
                default -> throw new UndecodableException("msgpack: a map key of type " + format.getValueType().name().toLowerCase()
                        + " cannot name a field");
            }
        }

        private String text(int length) throws IOException, UndecodableException {
            String s = Utf8.decode(payload(length));
            if (s == null) {
                throw new UndecodableException(CorruptReasons.NOT_UTF8);
            }
            return s;
        }

        private byte[] payload(int length) throws IOException, UndecodableException {
            if (length < 0 || length > left()) {
                throw new UndecodableException("msgpack: truncated data");
            }
            return in.readPayload(length);
        }
    }
}
