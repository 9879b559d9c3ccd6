package io.cachecheck.decode.javaser;

import io.cachecheck.decode.UndecodableException;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Java Object Serialization Stream Protocol (Java Object Serialization Specification, chapter 6) into plain
 * stream values: {@link JavaObject}, {@link JavaArray}, {@link JavaEnum}, {@link JavaClass}, {@link ClassDesc},
 * {@code String} and null. It interprets nothing and loads nothing: class names are just text.
 *
 * <p>Every loop consumes input and every allocation is checked against the bytes that remain, so memory and time are
 * bounded by the value's size; nesting is bounded by the depth limit, so hostile input cannot overflow the stack.
 * Back-references may form cycles here; {@link TreeBuilder} refuses them.
 */
final class StreamParser {
    static final int STREAM_MAGIC = 0xACED;
    static final int STREAM_VERSION = 5;
    static final int BASE_WIRE_HANDLE = 0x7E0000;

    static final int TC_NULL = 0x70;
    static final int TC_REFERENCE = 0x71;
    static final int TC_CLASSDESC = 0x72;
    static final int TC_OBJECT = 0x73;
    static final int TC_STRING = 0x74;
    static final int TC_ARRAY = 0x75;
    static final int TC_CLASS = 0x76;
    static final int TC_BLOCKDATA = 0x77;
    static final int TC_ENDBLOCKDATA = 0x78;
    static final int TC_RESET = 0x79;
    static final int TC_BLOCKDATALONG = 0x7A;
    static final int TC_EXCEPTION = 0x7B;
    static final int TC_LONGSTRING = 0x7C;
    static final int TC_PROXYCLASSDESC = 0x7D;
    static final int TC_ENUM = 0x7E;

    /** Marks a handle assigned to an enum constant whose name is still being read. */
    private static final Object IN_PROGRESS = new Object();

    private final StreamInput in;
    private final int maxDepth;
    private final int maxHandles;
    private final List<Object> handles = new ArrayList<>();

    StreamParser(byte[] bytes, int maxDepth, int maxHandles) {
        this.in = new StreamInput(bytes);
        this.maxDepth = maxDepth;
        this.maxHandles = maxHandles;
    }

    /** The one object of the stream (its root); nothing may follow it. */
    Object parse() throws UndecodableException {
        if (in.remaining() < 4 || in.u2() != STREAM_MAGIC || in.u2() != STREAM_VERSION) {
            throw Reasons.noHeader();
        }
        int tc = in.u1();
        while (tc == TC_RESET) { // a reset before the object is harmless; inside one it is refused below
            handles.clear();
            tc = in.u1();
        }
        Object root = readContent(tc, 1);
        if (in.remaining() > 0) {
            throw Reasons.malformed("bytes after the object");
        }
        return root;
    }

    private Object readContent(int tc, int depth) throws UndecodableException {
        if (depth > maxDepth) {
            throw Reasons.tooDeep(maxDepth);
        }
        return switch (tc) {
            case TC_NULL -> null;
            case TC_REFERENCE -> handle(in.s4());
            case TC_STRING -> assign(in.utf());
            case TC_LONGSTRING -> assign(in.longUtf());
            case TC_OBJECT -> readObject(depth);
            case TC_ARRAY -> readArray(depth);
            case TC_ENUM -> readEnum(depth);
            case TC_CLASS -> readClass(depth);
            case TC_CLASSDESC, TC_PROXYCLASSDESC -> readNewClassDesc(tc, depth);
            case TC_EXCEPTION -> throw Reasons.corrupt("the writer failed while writing the object (TC_EXCEPTION)");
            case TC_RESET -> throw Reasons.malformed("reset inside an object");
            case TC_BLOCKDATA, TC_BLOCKDATALONG -> throw Reasons.malformed("block data where an object was expected");
            case TC_ENDBLOCKDATA -> throw Reasons.malformed("end of block data where an object was expected");
            default -> throw Reasons.malformed("unknown type code at offset " + (in.position() - 1));
        };
    }

    private Object handle(int wireHandle) throws UndecodableException {
        long index = (long) wireHandle - BASE_WIRE_HANDLE;
        if (index < 0 || index >= handles.size()) {
            throw Reasons.malformed("reference to an unknown handle");
        }
        Object value = handles.get((int) index);
        if (value == IN_PROGRESS) {
            throw Reasons.malformed("reference to a value before it is read");
        }
        return value;
    }

    private <T> T assign(T value) throws UndecodableException {
        if (handles.size() >= maxHandles) {
            throw Reasons.tooManyNodes(maxHandles);
        }
        handles.add(value);
        return value;
    }

    /** A class descriptor where the grammar requires one: new, a reference to one, or null. */
    private ClassDesc readClassDesc(int depth) throws UndecodableException {
        int tc = in.u1();
        return switch (tc) {
            case TC_NULL -> null;
            case TC_REFERENCE -> {
                if (handle(in.s4()) instanceof ClassDesc d) {
                    yield d;
                }
                throw Reasons.malformed("reference to a non-class where a class descriptor was expected");
            }
            case TC_CLASSDESC, TC_PROXYCLASSDESC -> readNewClassDesc(tc, depth);
            default -> throw Reasons.malformed("expected a class descriptor at offset " + (in.position() - 1));
        };
    }

    /**
     * A new descriptor and, iteratively rather than recursively, the new descriptors of its superclasses that follow
     * it; their hierarchies are linked once the first known (or null) superclass is reached.
     */
    private ClassDesc readNewClassDesc(int tc, int depth) throws UndecodableException {
        List<ClassDesc> chain = new ArrayList<>(2);
        ClassDesc superDesc;
        while (true) {
            chain.add(tc == TC_CLASSDESC ? readDescBody(depth) : readProxyBody(depth));
            if (chain.size() > maxDepth) {
                throw Reasons.corrupt("class hierarchy deeper than " + maxDepth + " (maxDepth)");
            }
            int next = in.u1();
            if (next == TC_CLASSDESC || next == TC_PROXYCLASSDESC) {
                tc = next;
                continue;
            }
            if (next == TC_NULL) {
                superDesc = null;
            } else if (next == TC_REFERENCE && handle(in.s4()) instanceof ClassDesc d) {
                superDesc = d;
            } else {
                throw Reasons.malformed("expected a superclass descriptor at offset " + (in.position() - 1));
            }
            break;
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            ClassDesc d = chain.get(i);
            link(d, superDesc);
            superDesc = d;
        }
        return chain.get(0);
    }

    private void link(ClassDesc desc, ClassDesc superDesc) throws UndecodableException {
        ClassDesc[] hierarchy;
        if (superDesc == null) {
            hierarchy = new ClassDesc[] {desc};
        } else {
            ClassDesc[] above = superDesc.hierarchy();
            if (above == null) { // its own (or an enclosing) descriptor, still being read
                throw Reasons.malformed("cyclic class hierarchy");
            }
            if (above.length >= maxDepth) {
                throw Reasons.corrupt("class hierarchy deeper than " + maxDepth + " (maxDepth)");
            }
            hierarchy = new ClassDesc[above.length + 1];
            System.arraycopy(above, 0, hierarchy, 0, above.length);
            hierarchy[above.length] = desc;
        }
        desc.hierarchy(hierarchy);
    }

    private ClassDesc readDescBody(int depth) throws UndecodableException {
        String name = in.utf();
        in.s8(); // serialVersionUID: known classes are recognised by name and checked by the shape of their data
        ClassDesc desc = assign(ClassDesc.named(name));
        int flags = in.u1();
        if ((flags & ClassDesc.SC_SERIALIZABLE) != 0 && (flags & ClassDesc.SC_EXTERNALIZABLE) != 0) {
            throw Reasons.malformed("class both Serializable and Externalizable");
        }
        desc.flags(flags);
        int count = (short) in.u2();
        if (count < 0) {
            throw Reasons.malformed("negative field count");
        }
        in.require(3L * count); // a field takes at least 3 bytes: allocate only for fields that can be there
        FieldDesc[] fields = new FieldDesc[count];
        for (int i = 0; i < count; i++) {
            char type = (char) in.u1();
            String fieldName = in.utf();
            switch (type) {
                case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z' -> { }
                case 'L', '[' -> readTypeString();
                default -> throw Reasons.malformed("invalid field type code");
            }
            fields[i] = new FieldDesc(type, fieldName);
        }
        if (desc.isEnum() && count > 0) {
            throw Reasons.malformed("enum class with fields");
        }
        desc.fields(fields);
        readAnnotation(depth); // a class annotation (ObjectOutputStream.annotateClass): empty from the JDK's stream
        return desc;
    }

    private ClassDesc readProxyBody(int depth) throws UndecodableException {
        int index = handles.size();
        assign(IN_PROGRESS);
        int count = in.s4();
        if (count < 0 || count > 65535) {
            throw Reasons.malformed("invalid proxy interface count");
        }
        in.require(2L * count);
        List<String> interfaces = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            interfaces.add(in.utf());
        }
        ClassDesc desc = ClassDesc.proxy(interfaces);
        handles.set(index, desc);
        readAnnotation(depth); // ObjectOutputStream.annotateProxyClass: empty from the JDK's stream
        return desc;
    }

    /** The field type of an object field, in field-descriptor format; only its syntax matters here. */
    private void readTypeString() throws UndecodableException {
        int tc = in.u1();
        switch (tc) {
            case TC_NULL -> { }
            case TC_STRING -> assign(in.utf());
            case TC_LONGSTRING -> assign(in.longUtf());
            case TC_REFERENCE -> {
                if (!(handle(in.s4()) instanceof String)) {
                    throw Reasons.malformed("field type is not a string");
                }
            }
            default -> throw Reasons.malformed("field type is not a string");
        }
    }

    private JavaObject readObject(int depth) throws UndecodableException {
        ClassDesc desc = readClassDesc(depth);
        if (desc == null) {
            throw Reasons.malformed("object without a class descriptor");
        }
        if (desc.isEnum()) { // an enum constant is written as TC_ENUM; Java deserialisation refuses this too
            throw Reasons.malformed("enum class written as an object");
        }
        JavaObject object = assign(new JavaObject(desc));
        if (desc.externalizable()) {
            if (!desc.blockData()) { // protocol 1: writeExternal data has no framing, so its end cannot be found
                throw Reasons.externalizable(desc.name());
            }
            object.data = new ClassData[] {new ClassData(desc, new Object[0], readAnnotation(depth))};
            return object;
        }
        ClassDesc[] hierarchy = desc.hierarchy();
        if (hierarchy == null) { // a descriptor's own annotation referring to it
            throw Reasons.malformed("object of a class whose descriptor is incomplete");
        }
        ClassData[] data = new ClassData[hierarchy.length];
        for (int i = 0; i < hierarchy.length; i++) {
            ClassDesc d = hierarchy[i];
            if (!d.serializable() || d.externalizable()) {
                throw Reasons.malformed("class " + Reasons.name(d.name()) + " in an object's hierarchy is not Serializable");
            }
            Object[] values = readFieldValues(d, depth);
            data[i] = new ClassData(d, values, d.hasWriteMethod() ? readAnnotation(depth) : null);
        }
        object.data = data;
        return object;
    }

    /** Primitive field values come first, in descriptor order, then object fields (as ObjectOutputStream writes). */
    private Object[] readFieldValues(ClassDesc desc, int depth) throws UndecodableException {
        FieldDesc[] fields = desc.fields();
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = switch (fields[i].typeCode()) {
                case 'B' -> (byte) in.u1();
                case 'C' -> (char) in.u2();
                case 'D' -> Double.longBitsToDouble(in.s8());
                case 'F' -> Float.intBitsToFloat(in.s4());
                case 'I' -> in.s4();
                case 'J' -> in.s8();
                case 'S' -> (short) in.u2();
                case 'Z' -> in.u1() != 0;
                default -> null;
            };
        }
        for (int i = 0; i < fields.length; i++) {
            if (!fields[i].primitive()) {
                values[i] = readContent(in.u1(), depth + 1);
            }
        }
        return values;
    }

    /** Block data and objects up to TC_ENDBLOCKDATA: a writeObject's extra data, or an Externalizable's data. */
    private List<Object> readAnnotation(int depth) throws UndecodableException {
        int tc = in.u1();
        if (tc == TC_ENDBLOCKDATA) {
            return List.of();
        }
        List<Object> items = new ArrayList<>();
        while (tc != TC_ENDBLOCKDATA) {
            if (tc == TC_BLOCKDATA || tc == TC_BLOCKDATALONG) {
                int length = tc == TC_BLOCKDATA ? in.u1() : in.s4();
                in.require(length);
                items.add(new BlockData(in.buffer(), in.position(), length));
                in.skip(length);
            } else {
                items.add(readContent(tc, depth + 1));
            }
            tc = in.u1();
        }
        return items;
    }

    private JavaArray readArray(int depth) throws UndecodableException {
        ClassDesc desc = readClassDesc(depth);
        if (desc == null || desc.name().length() < 2 || desc.name().charAt(0) != '[') {
            throw Reasons.malformed("array without an array class");
        }
        int index = handles.size();
        assign(IN_PROGRESS); // an array's handle precedes its elements, which may refer back to it
        int length = in.s4();
        if (length < 0) {
            throw Reasons.malformed("negative array length");
        }
        char elementType = desc.name().charAt(1);
        JavaArray array;
        switch (elementType) {
            case 'L', '[' -> {
                in.require(length); // every element takes at least one byte
                Object[] elements = new Object[length];
                array = new JavaArray(desc, elements);
                handles.set(index, array);
                for (int i = 0; i < length; i++) {
                    elements[i] = readContent(in.u1(), depth + 1);
                }
                return array;
            }
            case 'B' -> {
                in.require(length);
                byte[] v = new byte[length];
                System.arraycopy(in.buffer(), in.position(), v, 0, length);
                in.skip(length);
                array = new JavaArray(desc, v);
            }
            case 'Z' -> {
                in.require(length);
                boolean[] v = new boolean[length];
                for (int i = 0; i < length; i++) {
                    v[i] = in.u1() != 0;
                }
                array = new JavaArray(desc, v);
            }
            case 'C' -> {
                in.require(2L * length);
                char[] v = new char[length];
                for (int i = 0; i < length; i++) {
                    v[i] = (char) in.u2();
                }
                array = new JavaArray(desc, v);
            }
            case 'S' -> {
                in.require(2L * length);
                short[] v = new short[length];
                for (int i = 0; i < length; i++) {
                    v[i] = (short) in.u2();
                }
                array = new JavaArray(desc, v);
            }
            case 'I' -> {
                in.require(4L * length);
                int[] v = new int[length];
                for (int i = 0; i < length; i++) {
                    v[i] = in.s4();
                }
                array = new JavaArray(desc, v);
            }
            case 'F' -> {
                in.require(4L * length);
                float[] v = new float[length];
                for (int i = 0; i < length; i++) {
                    v[i] = Float.intBitsToFloat(in.s4());
                }
                array = new JavaArray(desc, v);
            }
            case 'J' -> {
                in.require(8L * length);
                long[] v = new long[length];
                for (int i = 0; i < length; i++) {
                    v[i] = in.s8();
                }
                array = new JavaArray(desc, v);
            }
            case 'D' -> {
                in.require(8L * length);
                double[] v = new double[length];
                for (int i = 0; i < length; i++) {
                    v[i] = Double.longBitsToDouble(in.s8());
                }
                array = new JavaArray(desc, v);
            }
            default -> throw Reasons.malformed("invalid array class");
        }
        handles.set(index, array);
        return array;
    }

    private JavaEnum readEnum(int depth) throws UndecodableException {
        ClassDesc desc = readClassDesc(depth);
        if (desc == null || !desc.isEnum()) {
            throw Reasons.malformed("enum constant without an enum class");
        }
        int index = handles.size();
        assign(IN_PROGRESS);
        int tc = in.u1();
        String name = switch (tc) {
            case TC_STRING -> assign(in.utf());
            case TC_LONGSTRING -> assign(in.longUtf());
            case TC_REFERENCE -> handle(in.s4()) instanceof String s ? s : null;
            default -> null;
        };
        if (name == null) {
            throw Reasons.malformed("enum constant without a name");
        }
        JavaEnum constant = new JavaEnum(desc, name);
        handles.set(index, constant);
        return constant;
    }

    private JavaClass readClass(int depth) throws UndecodableException {
        ClassDesc desc = readClassDesc(depth);
        if (desc == null) {
            throw Reasons.malformed("class object without a class descriptor");
        }
        return assign(new JavaClass(desc));
    }
}
