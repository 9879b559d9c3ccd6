package io.cachecheck.decode.pickle;

import io.cachecheck.decode.ReadLimits;
import io.cachecheck.decode.UndecodableException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pickle's stack machine (protocols 0 to 5), written anew so that no opcode can reach code: a GLOBAL is only ever a
 * name, checked against {@link PickleGlobals}, and every object-building opcode ({@code BUILD}, {@code INST},
 * {@code OBJ}, {@code NEWOBJ}, {@code EXT*}, persistent ids, out-of-band buffers) stops the read with a reason.
 *
 * <p>Each opcode consumes at least one byte and pushes at most one value, lengths are checked against the bytes left
 * before anything is allocated, and marks are positions in the stack, so time and memory are linear in the input.
 */
final class PickleMachine {
    private static final int HIGHEST_PROTOCOL = 5;
    /** A big integer of more bytes than this has more than 4300 decimal digits, Python's own limit for int text. */
    private static final int MAX_INT_BYTES = 1785;

    private final byte[] in;
    private final ReadLimits limits;
    private int pos;
    private long nodes;
    private final List<Object> stack = new ArrayList<>();
    /** Stack sizes at each MARK: the values above the top one are the current frame, as in Python's metastack. */
    private int[] marks = new int[16];
    private int markCount;
    private final Map<Long, Object> memo = new HashMap<>();

    PickleMachine(byte[] in, ReadLimits limits) {
        this.in = in;
        this.limits = limits;
    }

    /** Runs to STOP and returns the value it pops. */
    Object run() throws UndecodableException {
        while (true) {
            if (pos >= in.length) {
                throw fail(pos == 0 ? "empty value" : "truncated value (no STOP)");
            }
            int at = pos;
            int op = in[pos++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int version = u8();
                    if (version > HIGHEST_PROTOCOL) {
                        throw fail("protocol " + version + " is not supported (0 to 5 are)");
                    }
                }
                case 0x95 -> { // FRAME: only a length hint for buffered readers; it must still fit
                    if (u64() > in.length - pos) {
                        throw truncated();
                    }
                }
                case '.' -> { // STOP
                    Object result = pop();
                    if (stack.size() != 0 || markCount != 0) {
                        throw fail("values left on the stack at STOP");
                    }
                    if (pos != in.length) {
                        throw fail("extra bytes after STOP");
                    }
                    return result;
                }
                case '(' -> mark();
                case '0' -> { // POP: with an empty frame Python drops the mark instead
                    if (stack.size() > frameStart()) {
                        stack.remove(stack.size() - 1);
                    } else {
                        popMark();
                    }
                }
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(top()); // DUP
                case 'N' -> push(Py.None.INSTANCE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'I' -> { // INT: text, where 00 and 01 are False and True
                    String line = asciiLine();
                    push(line.equals("00") ? Boolean.FALSE : line.equals("01") ? Boolean.TRUE : textInt(line));
                }
                case 'L' -> { // LONG: text with an optional trailing L
                    String line = asciiLine();
                    push(textInt(line.endsWith("L") ? line.substring(0, line.length() - 1) : line));
                }
                case 'J' -> push((long) s32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) u16());
                case 0x8a -> push(littleEndian(u8())); // LONG1
                case 0x8b -> { // LONG4
                    int n = s32();
                    if (n < 0) {
                        throw fail("malformed LONG4 (negative length)");
                    }
                    push(littleEndian(n));
                }
                case 'F' -> push(textFloat(asciiLine()));
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).getDouble());
                case 'S', 'T', 'U' -> throw fail("Python 2 str opcode; the value was pickled by Python 2");
                case 'V' -> push(RawUnicodeEscape.decode(lineBytes()));
                case 'X' -> push(utf8(u32()));
                case 0x8c -> push(utf8(u8()));
                case 0x8d -> push(utf8(u64()));
                case 'B' -> push(bytes(u32()));
                case 'C' -> push(bytes(u8()));
                case 0x8e, 0x96 -> push(bytes(u64())); // BINBYTES8, BYTEARRAY8 (a bytearray reads as bytes)
                case ']' -> push(Py.Container.empty(Py.Container.Kind.LIST));
                case '}' -> push(Py.Container.empty(Py.Container.Kind.DICT));
                case ')' -> push(new Py.Container(Py.Container.Kind.TUPLE, List.of()));
                case 0x8f -> push(Py.Container.empty(Py.Container.Kind.SET));
                case 'l' -> push(new Py.Container(Py.Container.Kind.LIST, popMark()));
                case 't' -> push(new Py.Container(Py.Container.Kind.TUPLE, popMark()));
                case 0x91 -> push(new Py.Container(Py.Container.Kind.FROZENSET, popMark()));
                case 'd' -> {
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw fail("malformed DICT (odd number of items)");
                    }
                    push(new Py.Container(Py.Container.Kind.DICT, items));
                }
                case 0x85, 0x86, 0x87 -> { // TUPLE1, TUPLE2, TUPLE3
                    int n = op - 0x84;
                    requireFrame(n);
                    List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
                    stack.subList(stack.size() - n, stack.size()).clear();
                    push(new Py.Container(Py.Container.Kind.TUPLE, items));
                }
                case 'a' -> { // APPEND
                    Object v = pop();
                    container(Py.Container.Kind.LIST, "APPEND").items.add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    container(Py.Container.Kind.LIST, "APPENDS").items.addAll(items);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    List<Object> items = container(Py.Container.Kind.DICT, "SETITEM").items;
                    items.add(k);
                    items.add(v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw fail("malformed SETITEMS (odd number of items)");
                    }
                    container(Py.Container.Kind.DICT, "SETITEMS").items.addAll(items);
                }
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popMark();
                    container(Py.Container.Kind.SET, "ADDITEMS").items.addAll(items);
                }
                case 'p' -> memoPut(textIndex(asciiLine()));
                case 'q' -> memoPut(u8());
                case 'r' -> memoPut(u32());
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'g' -> push(memoGet(textIndex(asciiLine())));
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(u32()));
                case 'c' -> { // GLOBAL: module and name as text lines
                    String module = utf8Line();
                    String name = utf8Line();
                    push(PickleGlobals.find(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("malformed STACK_GLOBAL (module and name are not text)");
                    }
                    push(PickleGlobals.find(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(PickleGlobals.reduce(callable, args));
                }
                case 'i' -> { // INST: module and name inline, then builds an instance
                    String module = utf8Line();
                    String name = utf8Line();
                    throw PickleGlobals.needsCode(module, name);
                }
                case 'o' -> throw objectBuilder("OBJ", popMark().stream().findFirst().orElse(null));
                case 0x81 -> { // NEWOBJ
                    pop();
                    throw objectBuilder("NEWOBJ", pop());
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop();
                    pop();
                    throw objectBuilder("NEWOBJ_EX", pop());
                }
                case 'b' -> throw fail("BUILD sets an object's state, which needs its class's code");
                case 0x82, 0x83, 0x84 -> throw fail("extension code (EXT opcodes) needs the copyreg registry of the"
                        + " program that pickled it");
                case 'P', 'Q' -> throw fail("persistent id needs the persistent_load of the program that pickled it");
                case 0x97, 0x98 -> throw fail("out-of-band buffer (protocol 5 buffer_callback) is not in the value");
                default -> throw fail(at == 0 ? "not pickle data" : "unknown opcode");
            }
        }
    }

    private UndecodableException objectBuilder(String opcode, Object cls) {
        if (cls instanceof Py.Global g) {
            return PickleGlobals.needsCode(g.module(), g.name());
        }
        return fail(opcode + " builds an object, which needs its class's code");
    }

    private void push(Object v) throws UndecodableException {
        if (++nodes > limits.maxNodes()) {
            throw fail("more than " + limits.maxNodes() + " nodes");
        }
        stack.add(v);
    }

    private int frameStart() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private void requireFrame(int n) throws UndecodableException {
        if (stack.size() - frameStart() < n) {
            throw fail("malformed stream (stack underflow)");
        }
    }

    private Object pop() throws UndecodableException {
        requireFrame(1);
        return stack.remove(stack.size() - 1);
    }

    private Object top() throws UndecodableException {
        requireFrame(1);
        return stack.get(stack.size() - 1);
    }

    private void mark() {
        if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, marks.length * 2); // at most one mark per input byte
        }
        marks[markCount++] = stack.size();
    }

    /** The values above the top mark, removed with the mark. */
    private List<Object> popMark() throws UndecodableException {
        if (markCount == 0) {
            throw fail("malformed stream (no MARK)");
        }
        int start = marks[--markCount];
        List<Object> tail = stack.subList(start, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private Py.Container container(Py.Container.Kind kind, String opcode) throws UndecodableException {
        Object target = top();
        if (!(target instanceof Py.Container c) || c.kind != kind) {
            throw fail(opcode + " on something that is not a " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " would call its code");
        }
        return c;
    }

    private void memoPut(long index) throws UndecodableException {
        if (memo.size() >= limits.maxNodes()) {
            throw fail("more than " + limits.maxNodes() + " memo entries");
        }
        memo.put(index, top());
    }

    private Object memoGet(long index) throws UndecodableException {
        Object v = memo.get(index);
        if (v == null) {
            throw fail("memo entry not found");
        }
        return v;
    }

    private Number textInt(String s) throws UndecodableException {
        // Python reads these with int(text, 0): an optional sign, then 0 or digits without a leading zero
        int i = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
        if (s.length() == i || s.length() - i > PythonInt.MAX_DIGITS) {
            throw fail(s.length() == i ? "malformed INT" : "integer of more than 4300 digits");
        }
        boolean zeros = s.charAt(i) == '0';
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c < '0' || c > '9' || (zeros && c != '0')) {
                throw fail("malformed INT");
            }
        }
        return PythonInt.number(s.startsWith("+") ? s.substring(1) : s);
    }

    private Double textFloat(String s) throws UndecodableException {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("inf") || lower.equals("-inf") || lower.equals("nan") || lower.equals("+inf")) {
            return lower.equals("nan") ? Double.NaN : lower.startsWith("-") ? Double.NEGATIVE_INFINITY
                    : Double.POSITIVE_INFINITY; // refused when the tree is built, like a BINFLOAT infinity
        }
        if (!io.cachecheck.decode.DecimalText.matches(s, 9) || s.length() > 400) {
            throw fail("malformed FLOAT");
        }
        return Double.parseDouble(s);
    }

    private long textIndex(String s) throws UndecodableException {
        if (s.isEmpty() || s.length() > 10) {
            throw fail("malformed memo index");
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw fail("malformed memo index");
            }
        }
        return Long.parseLong(s);
    }

    private Number littleEndian(int n) throws UndecodableException {
        if (n > MAX_INT_BYTES) {
            throw fail("integer of more than 4300 digits");
        }
        byte[] le = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Number) v.longValue() : v;
    }

    private int u8() throws UndecodableException {
        need(1);
        return in[pos++] & 0xff;
    }

    private int u16() throws UndecodableException {
        need(2);
        int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    private int s32() throws UndecodableException {
        need(4);
        int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    private long u32() throws UndecodableException {
        return s32() & 0xffffffffL;
    }

    /** An unsigned 64-bit length; anything beyond a long is certainly beyond the input, so it is clamped. */
    private long u64() throws UndecodableException {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (in[pos + i] & 0xff);
        }
        pos += 8;
        return v < 0 ? Long.MAX_VALUE : v;
    }

    private byte[] bytes(long n) throws UndecodableException {
        need(n);
        byte[] b = Arrays.copyOfRange(in, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    private String utf8(long n) throws UndecodableException {
        need(n);
        int start = pos;
        pos += (int) n;
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in, start, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not UTF-8");
        }
    }

    /** The bytes up to the next newline, which is consumed. */
    private byte[] lineBytes() throws UndecodableException {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') {
            pos++;
        }
        if (pos >= in.length) {
            throw truncated();
        }
        return Arrays.copyOfRange(in, start, pos++);
    }

    private String asciiLine() throws UndecodableException {
        byte[] line = lineBytes();
        for (byte b : line) {
            if (b < 0) {
                throw fail("malformed text argument");
            }
        }
        return new String(line, StandardCharsets.US_ASCII);
    }

    private String utf8Line() throws UndecodableException {
        byte[] line = lineBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            throw fail("malformed global name");
        }
    }

    private void need(long n) throws UndecodableException {
        if (n > in.length - pos) {
            throw truncated();
        }
    }

    private static UndecodableException truncated() {
        return fail("truncated value");
    }

    static UndecodableException fail(String what) {
        return new UndecodableException("pickle: " + what);
    }
}
