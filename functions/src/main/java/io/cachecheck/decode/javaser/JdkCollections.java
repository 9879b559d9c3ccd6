package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cachecheck.decode.UndecodableException;

import java.util.List;
import java.util.Map;

/**
 * JDK collections, read from their serial forms (each class's writeObject, per the JDK 17 sources): lists and sets
 * become arrays in stream order (a HashSet's order is its iteration order when written), maps become objects or
 * [key, value] pairs ({@link MapBuilder}). Wrappers (unmodifiable, synchronized, checked) are their wrapped
 * collection; Collections.empty and singleton forms their content.
 */
final class JdkCollections {
    private static final String COLLECTIONS = "java.util.Collections$";
    private static final String UNMODIFIABLE_COLLECTION = COLLECTIONS + "UnmodifiableCollection";
    private static final String SYNCHRONIZED_COLLECTION = COLLECTIONS + "SynchronizedCollection";
    private static final String CHECKED_COLLECTION = COLLECTIONS + "CheckedCollection";
    private static final String UNMODIFIABLE_MAP = COLLECTIONS + "UnmodifiableMap";
    private static final String SYNCHRONIZED_MAP = COLLECTIONS + "SynchronizedMap";
    private static final String CHECKED_MAP = COLLECTIONS + "CheckedMap";

    /** java.util.CollSer tags (low byte): List.of, Set.of, Map.of and the null-tolerant list of Stream.toList. */
    private static final int IMM_LIST = 1;
    private static final int IMM_SET = 2;
    private static final int IMM_MAP = 3;
    private static final int IMM_LIST_NULLS = 4;

    private JdkCollections() {
    }

    static void register(Map<String, KnownClass> classes) {
        classes.put("java.util.ArrayList", JdkCollections::arrayList);
        for (String name : List.of("java.util.LinkedList", "java.util.ArrayDeque", "java.util.concurrent.CopyOnWriteArrayList")) {
            classes.put(name, (o, tree, depth) -> sizedElements(o.data(name).customData(), tree, depth));
        }
        classes.put("java.util.Vector", JdkCollections::vector);
        classes.put("java.util.Stack", JdkCollections::vector);
        classes.put("java.util.HashMap", JdkCollections::hashMap);
        classes.put("java.util.LinkedHashMap", JdkCollections::hashMap);
        classes.put("java.util.Hashtable", JdkCollections::hashtable);
        classes.put("java.util.TreeMap", (o, tree, depth) -> sizedMap(o.data("java.util.TreeMap").customData(), tree, depth));
        classes.put("java.util.EnumMap", (o, tree, depth) -> sizedMap(o.data("java.util.EnumMap").customData(), tree, depth));
        classes.put("java.util.concurrent.ConcurrentHashMap", JdkCollections::concurrentHashMap);
        classes.put("java.util.HashSet", JdkCollections::hashSet);
        classes.put("java.util.LinkedHashSet", JdkCollections::hashSet);
        classes.put("java.util.TreeSet", JdkCollections::treeSet);
        classes.put("java.util.CollSer", JdkCollections::collSer);
        field(classes, "java.util.Arrays$ArrayList", "a", '[');
        field(classes, "java.util.EnumSet$SerializationProxy", "elements", '[');
        field(classes, "java.util.concurrent.CopyOnWriteArraySet", "al", 'L');
        classes.put(COLLECTIONS + "EmptyList", JdkCollections::empty);
        classes.put(COLLECTIONS + "EmptySet", JdkCollections::empty);
        classes.put(COLLECTIONS + "EmptyMap", (o, tree, depth) -> {
            o.data(COLLECTIONS + "EmptyMap").requireNoCustomData();
            return TreeBuilder.NODES.objectNode();
        });
        classes.put(COLLECTIONS + "SingletonList", (o, tree, depth) -> singleton(o, COLLECTIONS + "SingletonList", tree, depth));
        classes.put(COLLECTIONS + "SingletonSet", (o, tree, depth) -> singleton(o, COLLECTIONS + "SingletonSet", tree, depth));
        classes.put(COLLECTIONS + "SingletonMap", JdkCollections::singletonMap);
        wrappers(classes, UNMODIFIABLE_COLLECTION, "c", List.of("UnmodifiableCollection", "UnmodifiableSet",
                "UnmodifiableSortedSet", "UnmodifiableNavigableSet", "UnmodifiableNavigableSet$EmptyNavigableSet",
                "UnmodifiableList", "UnmodifiableRandomAccessList"));
        wrappers(classes, SYNCHRONIZED_COLLECTION, "c", List.of("SynchronizedCollection", "SynchronizedSet",
                "SynchronizedSortedSet", "SynchronizedNavigableSet", "SynchronizedList", "SynchronizedRandomAccessList"));
        wrappers(classes, CHECKED_COLLECTION, "c", List.of("CheckedCollection", "CheckedSet", "CheckedSortedSet",
                "CheckedNavigableSet", "CheckedList", "CheckedRandomAccessList", "CheckedQueue"));
        wrappers(classes, UNMODIFIABLE_MAP, "m", List.of("UnmodifiableMap", "UnmodifiableSortedMap",
                "UnmodifiableNavigableMap", "UnmodifiableNavigableMap$EmptyNavigableMap"));
        wrappers(classes, SYNCHRONIZED_MAP, "m", List.of("SynchronizedMap", "SynchronizedSortedMap", "SynchronizedNavigableMap"));
        wrappers(classes, CHECKED_MAP, "m", List.of("CheckedMap", "CheckedSortedMap", "CheckedNavigableMap"));
    }

    /** A class that is the value of one of its fields (Arrays.asList is its array, an EnumSet its elements). */
    private static void field(Map<String, KnownClass> classes, String className, String field, char typeCode) {
        classes.put(className, (o, tree, depth) -> {
            ClassData data = o.data(className);
            data.requireNoCustomData();
            return tree.render(data.value(field, typeCode), depth + 1);
        });
    }

    /** Every class of a wrapper family is the collection held in the field of the family's top class. */
    private static void wrappers(Map<String, KnownClass> classes, String top, String field, List<String> members) {
        for (String member : members) {
            classes.put(COLLECTIONS + member, (o, tree, depth) -> {
                ClassData data = o.data(top);
                data.requireNoCustomData();
                return tree.render(data.value(field, 'L'), depth + 1);
            });
        }
    }

    /** ArrayList.writeObject: the size field, then the size again (as capacity) and the elements. */
    private static JsonNode arrayList(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        ClassData data = o.data("java.util.ArrayList");
        int size = data.intValue("size");
        CustomData in = data.customData();
        in.readInt();
        return elements(in, size, tree, depth);
    }

    /** LinkedList, ArrayDeque, CopyOnWriteArrayList: the size, then the elements. */
    private static JsonNode sizedElements(CustomData in, TreeBuilder tree, int depth) throws UndecodableException {
        return elements(in, in.readInt(), tree, depth);
    }

    private static ArrayNode elements(CustomData in, int size, TreeBuilder tree, int depth) throws UndecodableException {
        if (size < 0 || size > in.itemsLeft()) {
            throw Reasons.unexpectedData(in.className());
        }
        ArrayNode node = TreeBuilder.NODES.arrayNode(size);
        for (int i = 0; i < size; i++) {
            node.add(tree.render(in.readObject(), depth + 1));
        }
        in.expectEnd();
        return node;
    }

    /** Vector (and Stack) write their fields with putFields: the first elementCount entries of elementData. */
    private static JsonNode vector(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        ClassData data = o.data("java.util.Vector");
        data.requireNoCustomData();
        int count = data.intValue("elementCount");
        if (!(data.value("elementData", '[') instanceof JavaArray a) || !(a.values instanceof Object[] elements)
                || count < 0 || count > elements.length) {
            throw Reasons.unexpectedData("java.util.Vector");
        }
        ArrayNode node = TreeBuilder.NODES.arrayNode(count);
        for (int i = 0; i < count; i++) {
            node.add(tree.render(elements[i], depth + 1));
        }
        return node;
    }

    /** HashMap.writeObject (LinkedHashMap inherits it): bucket count, size, then key and value of each entry. */
    private static JsonNode hashMap(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        CustomData in = o.data("java.util.HashMap").customData();
        in.readInt();
        return entries(in, in.readInt(), tree, depth);
    }

    /** Hashtable.writeObject: table length, count, then the entries. */
    private static JsonNode hashtable(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        CustomData in = o.data("java.util.Hashtable").customData();
        in.readInt();
        return entries(in, in.readInt(), tree, depth);
    }

    /** TreeMap and EnumMap: the size, then the entries (the comparator or key type is a field, not rendered). */
    private static JsonNode sizedMap(CustomData in, TreeBuilder tree, int depth) throws UndecodableException {
        return entries(in, in.readInt(), tree, depth);
    }

    private static JsonNode entries(CustomData in, int size, TreeBuilder tree, int depth) throws UndecodableException {
        if (size < 0 || size > in.itemsLeft() / 2) {
            throw Reasons.unexpectedData(in.className());
        }
        MapBuilder map = tree.map(depth);
        for (int i = 0; i < size; i++) {
            Object key = in.readObject();
            map.put(key, in.readObject());
        }
        in.expectEnd();
        return map.build();
    }

    /** ConcurrentHashMap.writeObject: entries until a null key and a null value. */
    private static JsonNode concurrentHashMap(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        String name = "java.util.concurrent.ConcurrentHashMap";
        CustomData in = o.data(name).customData();
        MapBuilder map = tree.map(depth);
        while (true) {
            Object key = in.readObject();
            Object value = in.readObject();
            if (key == null) {
                if (value != null) {
                    throw Reasons.unexpectedData(name);
                }
                break;
            }
            map.put(key, value);
        }
        in.expectEnd();
        return map.build();
    }

    /** HashSet.writeObject (LinkedHashSet inherits it): capacity, load factor, size, then the elements. */
    private static JsonNode hashSet(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        CustomData in = o.data("java.util.HashSet").customData();
        in.readInt();
        in.readFloat();
        return elements(in, in.readInt(), tree, depth);
    }

    /** TreeSet.writeObject: the comparator (not rendered), the size, then the elements. */
    private static JsonNode treeSet(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        CustomData in = o.data("java.util.TreeSet").customData();
        in.readObject();
        return elements(in, in.readInt(), tree, depth);
    }

    /**
     * java.util.CollSer, the serial form of List.of, Set.of, Map.of and Stream.toList: a tag field, then the array
     * length and its elements (for a map, keys and values alternately).
     */
    private static JsonNode collSer(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        ClassData data = o.data("java.util.CollSer");
        int tag = data.intValue("tag") & 0xff; // CollSer.readResolve ignores the high 24 bits
        CustomData in = data.customData();
        int length = in.readInt();
        return switch (tag) {
            case IMM_LIST, IMM_SET, IMM_LIST_NULLS -> elements(in, length, tree, depth);
            case IMM_MAP -> {
                if (length % 2 != 0) {
                    throw Reasons.unexpectedData("java.util.CollSer");
                }
                yield entries(in, length / 2, tree, depth);
            }
            default -> throw Reasons.unexpectedData("java.util.CollSer");
        };
    }

    private static JsonNode empty(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        for (ClassData d : o.data) {
            d.requireNoCustomData();
        }
        return TreeBuilder.NODES.arrayNode();
    }

    private static JsonNode singleton(JavaObject o, String className, TreeBuilder tree, int depth) throws UndecodableException {
        ClassData data = o.data(className);
        data.requireNoCustomData();
        return TreeBuilder.NODES.arrayNode(1).add(tree.render(data.value("element", 'L'), depth + 1));
    }

    private static JsonNode singletonMap(JavaObject o, TreeBuilder tree, int depth) throws UndecodableException {
        ClassData data = o.data(COLLECTIONS + "SingletonMap");
        data.requireNoCustomData();
        MapBuilder map = tree.map(depth);
        map.put(data.value("k", 'L'), data.value("v", 'L'));
        return map.build();
    }
}
