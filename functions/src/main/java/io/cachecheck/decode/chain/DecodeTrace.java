package io.cachecheck.decode.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.Decoded;

import java.util.ArrayList;
import java.util.List;

/**
 * What each step of a decode chain produced for one value, for {@code cachecheck explain}: a type and a size, never
 * the value. Only filled when a caller passes one to {@link DecodeChain#decodeString(byte[],
 * io.cachecheck.decode.FieldShape, int, DecodeTrace)}; the scan's decoding passes none.
 */
public final class DecodeTrace {
    /**
     * One step.
     *
     * @param step     the step as the contract names it ({@code gzip}, {@code json}), or what the valueType does
     * @param produced what it produced, e.g. {@code 312 bytes}, {@code object (4 fields)}; null when it failed
     * @param failure  the CORRUPT reason when this step failed; null otherwise
     */
    public record Step(String step, String produced, String failure) {
    }

    private final List<Step> steps = new ArrayList<>();

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    void produced(String step, String what) {
        steps.add(new Step(step, what, null));
    }

    void failed(String step, String reason) {
        steps.add(new Step(step, null, reason));
    }

    /** The outcome of a step that yields the decoded fields (or the reason they could not be). */
    void result(String step, Decoded decoded) {
        if (decoded.corrupt()) {
            failed(step, decoded.corruptReason());
        } else if (decoded.cachedNull()) {
            produced(step, "a cached null");
        } else {
            produced(step, fields(decoded.fields().size()));
        }
    }

    static String bytes(int n) {
        return n + (n == 1 ? " byte" : " bytes");
    }

    static String fields(int n) {
        return "object (" + n + (n == 1 ? " field)" : " fields)");
    }

    /** A value tree's type and size. */
    static String describe(JsonNode node) {
        if (node.isObject()) {
            return fields(node.size());
        }
        if (node.isArray()) {
            return "array (" + node.size() + " elements)";
        }
        if (node.isTextual()) {
            return "text (" + node.textValue().length() + " chars)";
        }
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
