package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.contract.FieldMapping;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.ValueType;
import io.cachecheck.decode.Decoded;
import io.cachecheck.decode.FieldShape;
import io.cachecheck.decode.chain.DecodeTrace;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/** Decodes what a pipelined read returned as its namespace declares ({@code valueType} and {@code decode}). */
public final class CachedValueDecoder {
    /** Per thread, the shape of each namespace's cached values. */
    private static final ThreadLocal<IdentityHashMap<Namespace, FieldShape>> SHAPES =
            ThreadLocal.withInitial(IdentityHashMap::new);

    private CachedValueDecoder() {
    }

    /** Decodes a cached value for a namespace. {@link CachedValue.Missing} must be handled by the caller. */
    public static Decoded decode(Namespace ns, CachedValue value, int maxValueBytes) {
        return decode(ns, value, maxValueBytes, null);
    }

    /** As {@link #decode(Namespace, CachedValue, int)}, recording what each decode step produced (null: nothing). */
    public static Decoded decode(Namespace ns, CachedValue value, int maxValueBytes, DecodeTrace trace) {
        if (value instanceof CachedValue.WrongType w) {
            return Decoded.corrupt("wrong-type: expected " + w.expected());
        }
        FieldShape shape = ns.unknownFields() == Namespace.UnknownFields.REPORT && ns.valueType() != ValueType.STRING
                ? shape(ns) : null;
        if (value instanceof CachedValue.Text text) {
            return ns.decode().decodeString(text.bytes(), shape, maxValueBytes, trace);
        }
        if (value instanceof CachedValue.Hash hash) {
            return ns.decode().decodeHash(hash.fields(), shape, maxValueBytes, trace);
        }
        throw new IllegalArgumentException("cannot decode " + value.getClass().getSimpleName());
    }

    private static FieldShape shape(Namespace ns) {
        IdentityHashMap<Namespace, FieldShape> cache = SHAPES.get();
        FieldShape shape = cache.get(ns);
        if (shape == null) {
            List<String> names = new ArrayList<>(ns.ignore());
            if (ns.version() != null) {
                names.add(ns.version().field());
            }
            for (FieldMapping f : ns.fields()) {
                names.add(f.field());
            }
            shape = FieldShape.of(names, ns.nestedFields());
            if (cache.size() > 64) {
                cache.clear(); // a warm Lambda loads a new contract per invocation: keep only recent namespaces
            }
            cache.put(ns, shape);
        }
        return shape;
    }
}
