package io.cachecheck.local.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Loads test definitions and builds interpreters that never sleep. */
final class AslTestSupport {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final AslOptions NO_SLEEP = AslOptions.defaults().withRetryIntervalScale(0).withWaitScale(0);

    private AslTestSupport() {}

    static String definition(String name) {
        try (InputStream in = AslTestSupport.class.getResourceAsStream("/asl/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test definition /asl/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AslInterpreter interpreter(String name, TaskInvoker invoker) {
        return AslInterpreter.create(definition(name), Map.of(), invoker, NO_SLEEP);
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<String> events(ExecutionResult result, String type) {
        return result.history().stream().filter(e -> e.type().equals(type)).map(StateEvent::stateName).toList();
    }
}
