package io.cachecheck.decode.javaser;

import io.cachecheck.decode.UndecodableException;

import java.util.List;

/**
 * Reads what a known class's writeObject (or java.time.Ser's writeExternal) wrote after its fields, the way its
 * readObject would: primitives from block-data records (a primitive may straddle two records, as the writer splits
 * them at 1,024 bytes), objects one by one. Anything out of place is CORRUPT {@code unexpected data in <class>}.
 */
final class CustomData {
    private final String className;
    private final List<Object> items;
    private int next;
    private BlockData block;
    private int blockPos;

    CustomData(String className, List<Object> items) {
        this.className = className;
        this.items = items;
    }

    String className() {
        return className;
    }

    private int u1() throws UndecodableException {
        while (block == null || blockPos == block.length()) {
            if (next >= items.size() || !(items.get(next) instanceof BlockData b)) {
                throw Reasons.unexpectedData(className);
            }
            block = b;
            blockPos = 0;
            next++;
        }
        return block.source()[block.offset() + blockPos++] & 0xff;
    }

    byte readByte() throws UndecodableException {
        return (byte) u1();
    }

    int readInt() throws UndecodableException {
        return u1() << 24 | u1() << 16 | u1() << 8 | u1();
    }

    long readLong() throws UndecodableException {
        long high = readInt() & 0xffffffffL;
        return high << 32 | readInt() & 0xffffffffL;
    }

    float readFloat() throws UndecodableException {
        return Float.intBitsToFloat(readInt());
    }

    /** {@code DataOutput.writeUTF}: a 2-byte length, then modified UTF-8. */
    String readUtf() throws UndecodableException {
        int length = u1() << 8 | u1();
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) u1();
        }
        return ModifiedUtf8.decode(bytes, 0, length);
    }

    /** The next object; block data still unread before it means the data is not what this class writes. */
    Object readObject() throws UndecodableException {
        if (block != null && blockPos < block.length() || next >= items.size() || items.get(next) instanceof BlockData) {
            throw Reasons.unexpectedData(className);
        }
        return items.get(next++);
    }

    /** How many items are left: a bound for a count read from the stream, before anything is allocated for it. */
    int itemsLeft() {
        return items.size() - next;
    }

    void expectEnd() throws UndecodableException {
        if (block != null && blockPos < block.length() || next < items.size()) {
            throw Reasons.unexpectedData(className);
        }
    }
}
