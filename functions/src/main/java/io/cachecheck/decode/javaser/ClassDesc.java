package io.cachecheck.decode.javaser;

import java.util.List;

/**
 * A class descriptor as the stream declares it (TC_CLASSDESC or TC_PROXYCLASSDESC). Only data: the named class is
 * never looked up, loaded or reflected on. Filled in by {@link StreamParser} while it reads the descriptor (its handle
 * is assigned before its fields are read, as the protocol requires).
 */
final class ClassDesc {
    static final int SC_WRITE_METHOD = 0x01;
    static final int SC_SERIALIZABLE = 0x02;
    static final int SC_EXTERNALIZABLE = 0x04;
    static final int SC_BLOCK_DATA = 0x08;
    static final int SC_ENUM = 0x10;

    private final String name;
    private final List<String> proxyInterfaces;
    private int flags;
    private FieldDesc[] fields = new FieldDesc[0];
    /** This class and its serialisable superclasses, top-most first; null while the descriptor is being read. */
    private ClassDesc[] hierarchy;

    private ClassDesc(String name, List<String> proxyInterfaces) {
        this.name = name;
        this.proxyInterfaces = proxyInterfaces;
    }

    static ClassDesc named(String name) {
        return new ClassDesc(name, null);
    }

    /** A dynamic proxy class: serialisable, no fields of its own (its handler is a field of java.lang.reflect.Proxy). */
    static ClassDesc proxy(List<String> interfaces) {
        ClassDesc d = new ClassDesc("(proxy)", List.copyOf(interfaces));
        d.flags = SC_SERIALIZABLE;
        return d;
    }

    String name() {
        return name;
    }

    boolean isProxy() {
        return proxyInterfaces != null;
    }

    List<String> proxyInterfaces() {
        return proxyInterfaces;
    }

    void flags(int flags) {
        this.flags = flags;
    }

    FieldDesc[] fields() {
        return fields;
    }

    void fields(FieldDesc[] fields) {
        this.fields = fields;
    }

    ClassDesc[] hierarchy() {
        return hierarchy;
    }

    void hierarchy(ClassDesc[] hierarchy) {
        this.hierarchy = hierarchy;
    }

    boolean serializable() {
        return (flags & SC_SERIALIZABLE) != 0;
    }

    boolean externalizable() {
        return (flags & SC_EXTERNALIZABLE) != 0;
    }

    boolean hasWriteMethod() {
        return (flags & SC_WRITE_METHOD) != 0;
    }

    boolean blockData() {
        return (flags & SC_BLOCK_DATA) != 0;
    }

    boolean isEnum() {
        return (flags & SC_ENUM) != 0;
    }
}
