package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.UndecodableException;

/**
 * Renders an object of one known class (a JDK value or collection) from its serialised form, as that class's
 * readObject would read it, without the class: e.g. an ArrayList's elements come from its writeObject data.
 */
@FunctionalInterface
interface KnownClass {
    JsonNode render(JavaObject object, TreeBuilder tree, int depth) throws UndecodableException;
}
