package io.cachecheck.decode;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The cached field names a namespace accepts (mapped, ignored, version), as a tree, to find the fields a value has
 * that the contract does not mention. With dotted paths (JSON), {@code price.amount} makes {@code price} a node that
 * lists the names allowed inside it; a leaf accepts any value. Without (a hash), names are taken literally.
 */
public final class FieldShape {
    private static final FieldShape ANY = new FieldShape();
    private final Map<String, FieldShape> children = new HashMap<>();

    private FieldShape() {
    }

    public static FieldShape of(Collection<String> names, boolean dottedPaths) {
        FieldShape root = new FieldShape();
        for (String name : names) {
            if (!dottedPaths) {
                root.children.put(name, ANY);
                continue;
            }
            FieldShape node = root;
            String[] parts = name.split("\\.");
            // the loader refuses a name that is also the parent of another; were one to get here, the leaf wins
            for (int i = 0; i < parts.length && node != ANY; i++) {
                if (i == parts.length - 1) {
                    node.children.put(parts[i], ANY);
                } else {
                    node = node.children.computeIfAbsent(parts[i], k -> new FieldShape());
                }
            }
        }
        return root;
    }

    /** The fields of {@code fields} this shape does not list, by full dotted path and sorted; null when none. */
    public List<String> unexpected(Map<String, Object> fields) {
        List<String> unexpected = null;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            unexpected = unexpected(this, null, e.getKey(), e.getValue(), unexpected);
        }
        if (unexpected != null) {
            Collections.sort(unexpected);
        }
        return unexpected;
    }

    /**
     * Adds {@code name} to {@code out} when {@code parent} does not list it; when it names an object whose fields the
     * contract lists (the parent of a dotted path), checks those fields too, reporting each by its full path
     * ({@code price.extra}). The fields of a flat value allocate nothing here unless one of them is unexpected.
     */
    private static List<String> unexpected(FieldShape parent, String prefix, String name, Object value, List<String> out) {
        FieldShape shape = parent.children.get(name);
        if (shape == null) {
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(prefix == null ? name : prefix + '.' + name);
        } else if (shape != ANY && value instanceof JsonNode n && n.isObject()) {
            String path = prefix == null ? name : prefix + '.' + name;
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> child = it.next();
                out = unexpected(shape, path, child.getKey(), child.getValue(), out);
            }
        }
        return out;
    }
}
