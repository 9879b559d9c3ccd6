package io.cachecheck.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a definition before any execution, so that mistakes fail the local run instead of the deployment. */
final class DefinitionValidator {

    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]*}");

    private static final Set<String> IO = Set.of("InputPath", "OutputPath");
    private static final Set<String> TRANSITION = Set.of("Next", "End");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Task", union(IO, TRANSITION, Set.of("Resource", "Parameters", "ResultSelector", "ResultPath", "Retry",
                    "Catch", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath")),
            "Pass", union(IO, TRANSITION, Set.of("Result", "Parameters", "ResultPath")),
            "Choice", union(IO, Set.of("Choices", "Default")),
            "Wait", union(IO, TRANSITION, Set.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath")),
            "Succeed", union(IO),
            "Fail", union(Set.of("Error", "ErrorPath", "Cause", "CausePath")),
            "Map", union(IO, TRANSITION, Set.of("ItemsPath", "ItemSelector", "Parameters", "ItemProcessor",
                    "Iterator", "MaxConcurrency", "MaxConcurrencyPath", "ResultSelector", "ResultPath", "Retry",
                    "Catch", "ItemReader", "ResultWriter", "Label", "ToleratedFailurePercentage",
                    "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath")),
            "Parallel", union(IO, TRANSITION, Set.of("Branches", "Parameters", "ResultSelector", "ResultPath",
                    "Retry", "Catch")));
    /** Real ASL features the local runner deliberately does not implement. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("Assign", "workflow variables (Assign)"),
            Map.entry("Arguments", "JSONata Arguments"),
            Map.entry("Output", "JSONata Output"),
            Map.entry("Items", "JSONata Items"),
            Map.entry("QueryLanguage", "JSONata (QueryLanguage)"),
            Map.entry("ItemBatcher", "Distributed Map ItemBatcher"),
            Map.entry("ItemsPointer", "JSONata ItemsPointer"),
            Map.entry("Credentials", "cross-account Task Credentials"));
    private static final Set<String> LAMBDA_PARAMETERS =
            Set.of("FunctionName", "Payload", "Qualifier", "InvocationType", "ClientContext", "LogType");
    private static final Set<String> RETRIER_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCHER_FIELDS = Set.of("ErrorEquals", "Next", "ResultPath", "Comment");

    private DefinitionValidator() {}

    static void validate(JsonNode definition) {
        if (!definition.isObject()) {
            throw new AslDefinitionException("The definition must be a JSON object with StartAt and States.");
        }
        for (Iterator<String> it = definition.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.equals("QueryLanguage") && "JSONPath".equals(definition.get(field).asText())) {
                continue;
            }
            if (UNSUPPORTED.containsKey(field)) {
                throw new AslDefinitionException("The state machine uses " + UNSUPPORTED.get(field)
                        + ", which the local runner does not support. Use JSONPath processing.");
            }
            if (!Set.of("StartAt", "States", "Comment", "Version", "TimeoutSeconds").contains(field)) {
                throw new AslDefinitionException("Unknown top-level field '" + field + "'. Check its spelling.");
            }
        }
        JsonNode timeout = definition.get("TimeoutSeconds");
        if (timeout != null && (!timeout.canConvertToInt() || !timeout.isIntegralNumber() || timeout.intValue() < 1)) {
            throw new AslDefinitionException("The state machine's TimeoutSeconds must be a positive integer.");
        }
        validateScope(definition, "the state machine");
    }

    private static void validateScope(JsonNode scope, String where) {
        JsonNode states = scope.get("States");
        JsonNode startAt = scope.get("StartAt");
        if (states == null || !states.isObject() || states.isEmpty()) {
            throw new AslDefinitionException("States is missing or empty in " + where + ".");
        }
        if (startAt == null || !startAt.isTextual() || !states.has(startAt.textValue())) {
            throw new AslDefinitionException("StartAt " + (startAt == null ? "is missing" : "'" + startAt.asText()
                    + "' names no state") + " in " + where + ". Set it to one of " + names(states) + ".");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            new StateCheck(entry.getKey(), entry.getValue(), states).run();
        }
        checkReachable(startAt.textValue(), states, where);
    }

    private static void checkReachable(String start, JsonNode states, String where) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!seen.add(name)) {
                continue;
            }
            JsonNode state = states.get(name);
            for (JsonNode next : transitions(state)) {
                if (states.has(next.asText())) {
                    todo.push(next.asText());
                }
            }
        }
        for (Iterator<String> it = states.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!seen.contains(name)) {
                throw new AslDefinitionException("State '" + name + "' in " + where
                        + " is not reachable from StartAt; AWS rejects such definitions. Remove it or link to it.");
            }
        }
    }

    private static List<JsonNode> transitions(JsonNode state) {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String field : List.of("Next", "Default")) {
            if (state.has(field)) {
                out.add(state.get(field));
            }
        }
        for (String list : List.of("Choices", "Catch")) {
            state.path(list).forEach(entry -> {
                if (entry.has("Next")) {
                    out.add(entry.get("Next"));
                }
            });
        }
        return out;
    }

    private static String names(JsonNode states) {
        StringBuilder out = new StringBuilder();
        states.fieldNames().forEachRemaining(n -> out.append(out.length() == 0 ? "" : ", ").append(n));
        return "[" + out + "]";
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>(Set.of("Type", "Comment"));
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }

    /** Validation of one state; every message starts with the state's name. */
    private static final class StateCheck {
        private final String name;
        private final JsonNode state;
        private final JsonNode siblings;

        StateCheck(String name, JsonNode state, JsonNode siblings) {
            this.name = name;
            this.state = state;
            this.siblings = siblings;
        }

        void run() {
            if (!state.isObject()) {
                throw error("must be a JSON object");
            }
            String type = state.path("Type").asText(null);
            if (type == null || !FIELDS.containsKey(type)) {
                throw error("has Type '" + type + "'; known types are " + FIELDS.keySet());
            }
            for (Iterator<String> it = state.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (field.equals("QueryLanguage") && "JSONPath".equals(state.get(field).asText())) {
                    continue;
                }
                if (UNSUPPORTED.containsKey(field)) {
                    throw error("uses " + UNSUPPORTED.get(field) + ", which the local runner does not support");
                }
                if (!FIELDS.get(type).contains(field)) {
                    throw error("has field '" + field + "', which a " + type + " state does not allow");
                }
            }
            checkTransition(type);
            checkPaths();
            checkTemplate("Parameters");
            checkTemplate("ResultSelector");
            checkTemplate("ItemSelector");
            switch (type) {
                case "Task" -> checkTask();
                case "Choice" -> checkChoice();
                case "Wait" -> checkWait();
                case "Fail" -> checkFail();
                case "Map" -> checkMap();
                case "Parallel" -> checkParallel();
                default -> { }
            }
            checkRetry();
            checkCatch();
        }

        private void checkTransition(String type) {
            boolean terminal = type.equals("Succeed") || type.equals("Fail");
            if (type.equals("Choice") || terminal) {
                return;
            }
            boolean hasNext = state.has("Next");
            boolean end = state.path("End").asBoolean(false);
            if (hasNext == end) {
                throw error(hasNext ? "has both Next and End; keep one" : "needs Next or \"End\": true");
            }
            if (hasNext) {
                checkTarget("Next", state.get("Next"));
            }
        }

        private void checkTarget(String field, JsonNode target) {
            if (target == null || !target.isTextual() || !siblings.has(target.textValue())) {
                throw error(field + " '" + (target == null ? null : target.asText()) + "' names no state in the same "
                        + "scope; use one of " + names(siblings));
            }
        }

        private void checkPaths() {
            for (String field : List.of("InputPath", "OutputPath", "ItemsPath")) {
                JsonNode path = state.get(field);
                if (path != null && !path.isNull()) {
                    if (!path.isTextual()) {
                        throw error(field + " must be a path string or null");
                    }
                    try {
                        Json.compile(path.textValue());
                    } catch (IllegalArgumentException e) {
                        throw error(field + " '" + path.textValue() + "' is not a valid path: " + e.getMessage());
                    }
                }
            }
            checkResultPath("ResultPath", state.get("ResultPath"));
            for (String field : List.of("TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath", "TimestampPath",
                    "MaxConcurrencyPath", "ErrorPath", "CausePath", "ToleratedFailurePercentagePath",
                    "ToleratedFailureCountPath")) {
                JsonNode path = state.get(field);
                if (path == null) {
                    continue;
                }
                try {
                    if (!path.isTextual()) {
                        throw new IllegalArgumentException("it must be a string");
                    }
                    if (Intrinsics.looksLikeCall(path.textValue())
                            && (field.equals("ErrorPath") || field.equals("CausePath"))) {
                        Intrinsics.parse(path.textValue());
                    } else {
                        Json.parseReferencePath(path.textValue());
                    }
                } catch (IllegalArgumentException e) {
                    throw error(field + " '" + path.asText() + "' is not a valid reference path: " + e.getMessage());
                }
            }
        }

        private void checkResultPath(String field, JsonNode path) {
            if (path == null || path.isNull()) {
                return;
            }
            try {
                if (!path.isTextual()) {
                    throw new IllegalArgumentException("it must be a string or null");
                }
                Json.parseReferencePath(path.textValue());
            } catch (IllegalArgumentException e) {
                throw error(field + " '" + path.asText() + "' is not a valid reference path: " + e.getMessage());
            }
        }

        private void checkTemplate(String field) {
            JsonNode template = state.get(field);
            if (template == null) {
                return;
            }
            try {
                Templates.validate(template);
            } catch (IllegalArgumentException e) {
                throw error(field + " " + e.getMessage());
            }
        }

        private void checkTask() {
            JsonNode resourceNode = state.get("Resource");
            if (resourceNode == null || !resourceNode.isTextual()) {
                throw error("needs a Resource");
            }
            String resource = resourceNode.textValue();
            checkPlaceholder("Resource", resource);
            if (resource.equals(LAMBDA_INVOKE)) {
                JsonNode parameters = state.get("Parameters");
                if (parameters == null || !parameters.isObject()
                        || !(parameters.has("FunctionName") || parameters.has("FunctionName.$"))) {
                    throw error("invokes " + LAMBDA_INVOKE + " without Parameters.FunctionName");
                }
                for (Iterator<String> it = parameters.fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    String plain = key.endsWith(".$") ? key.substring(0, key.length() - 2) : key;
                    if (!LAMBDA_PARAMETERS.contains(plain)) {
                        throw error("passes Parameters." + key + ", which lambda:invoke does not accept; allowed: "
                                + LAMBDA_PARAMETERS);
                    }
                }
                JsonNode functionName = parameters.get("FunctionName");
                if (functionName != null) {
                    if (!functionName.isTextual()) {
                        throw error("has a FunctionName that is not a string");
                    }
                    checkPlaceholder("FunctionName", functionName.textValue());
                }
                JsonNode invocationType = parameters.get("InvocationType");
                if (invocationType != null && !"RequestResponse".equals(invocationType.asText())) {
                    throw error("uses InvocationType '" + invocationType.asText()
                            + "'; the local runner supports only RequestResponse");
                }
            } else if (resource.startsWith("arn:") && !resource.startsWith("arn:aws:lambda:")) {
                throw error("uses Resource '" + resource + "', which the local runner does not support; use "
                        + LAMBDA_INVOKE + " or a Lambda function ARN");
            }
            checkPositiveInt("TimeoutSeconds");
            checkPositiveInt("HeartbeatSeconds");
        }

        private void checkPlaceholder(String field, String value) {
            Matcher token = PLACEHOLDER.matcher(value);
            if (token.find()) {
                throw error("has the unreplaced placeholder " + token.group() + " in " + field
                        + "; add it to the substitutions map");
            }
        }

        private void checkPositiveInt(String field) {
            JsonNode value = state.get(field);
            if (value != null && (!value.isIntegralNumber() || value.asLong() < 1)) {
                throw error(field + " must be a positive integer");
            }
        }

        private void checkChoice() {
            JsonNode choices = state.get("Choices");
            if (choices == null || !choices.isArray() || choices.isEmpty()) {
                throw error("needs a non-empty Choices array");
            }
            for (JsonNode rule : choices) {
                try {
                    Choices.validate(rule, true);
                } catch (IllegalArgumentException e) {
                    throw error("has an invalid Choice rule: " + e.getMessage());
                }
                checkTarget("Choices[].Next", rule.get("Next"));
            }
            if (state.has("Default")) {
                checkTarget("Default", state.get("Default"));
            }
        }

        private void checkWait() {
            int count = 0;
            for (String field : List.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath")) {
                count += state.has(field) ? 1 : 0;
            }
            if (count != 1) {
                throw error("needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath");
            }
            JsonNode seconds = state.get("Seconds");
            if (seconds != null && (!seconds.isIntegralNumber() || seconds.asLong() < 0)) {
                throw error("Seconds must be a non-negative integer");
            }
        }

        private void checkFail() {
            if (state.has("Error") && state.has("ErrorPath") || state.has("Cause") && state.has("CausePath")) {
                throw error("may have Error or ErrorPath (and Cause or CausePath), not both");
            }
        }

        private void checkMap() {
            JsonNode processor = state.has("ItemProcessor") ? state.get("ItemProcessor") : state.get("Iterator");
            if (processor == null || state.has("ItemProcessor") && state.has("Iterator")) {
                throw error("needs exactly one of ItemProcessor or Iterator");
            }
            if (state.has("ItemSelector") && state.has("Parameters")) {
                throw error("has both ItemSelector and Parameters; keep ItemSelector");
            }
            JsonNode config = processor.get("ProcessorConfig");
            String mode = config == null ? "INLINE" : config.path("Mode").asText("INLINE");
            if (!Set.of("INLINE", "DISTRIBUTED").contains(mode)) {
                throw error("has ProcessorConfig.Mode '" + mode + "'; use INLINE or DISTRIBUTED");
            }
            JsonNode concurrency = state.get("MaxConcurrency");
            if (concurrency != null && (!concurrency.isIntegralNumber() || concurrency.asLong() < 0)) {
                throw error("MaxConcurrency must be a non-negative integer (0 means unbounded)");
            }
            if (mode.equals("DISTRIBUTED")) {
                checkDistributed(config, concurrency);
            } else {
                if (config != null && config.has("ExecutionType")) {
                    throw error("has ProcessorConfig.ExecutionType, which only a DISTRIBUTED Map takes");
                }
                for (String field : List.of("ItemReader", "ResultWriter", "Label", "ToleratedFailurePercentage",
                        "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath")) {
                    if (state.has(field)) {
                        throw error("has " + field + ", which needs ItemProcessor.ProcessorConfig.Mode DISTRIBUTED");
                    }
                }
            }
            validateScope(withoutConfig(processor), "Map state '" + name + "'");
        }

        /** A Distributed Map: the fields Step Functions requires, and the subset the local runner implements. */
        private void checkDistributed(JsonNode config, JsonNode concurrency) {
            for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!Set.of("Mode", "ExecutionType").contains(field)) {
                    throw error("has ProcessorConfig." + field + "; a ProcessorConfig takes Mode and ExecutionType");
                }
            }
            String type = config.path("ExecutionType").asText(null);
            if (!"STANDARD".equals(type) && !"EXPRESS".equals(type)) {
                throw error("needs ProcessorConfig.ExecutionType STANDARD or EXPRESS for Mode DISTRIBUTED");
            }
            if (concurrency != null && concurrency.asLong() > 10_000) {
                throw error("MaxConcurrency " + concurrency.asLong() + " is above 10000, the most a Distributed Map runs");
            }
            JsonNode label = state.get("Label");
            if (label != null && (!label.isTextual() || !label.textValue().matches("[A-Za-z0-9_-]{1,40}"))) {
                throw error("Label must be 1-40 letters, digits, '_' or '-'");
            }
            JsonNode percentage = state.get("ToleratedFailurePercentage");
            if (percentage != null && (!percentage.isNumber() || percentage.asDouble() < 0 || percentage.asDouble() > 100)) {
                throw error("ToleratedFailurePercentage must be a number from 0 to 100");
            }
            checkPositiveOrZero("ToleratedFailureCount");
            for (String pair : List.of("ToleratedFailurePercentage", "ToleratedFailureCount")) {
                if (state.has(pair) && state.has(pair + "Path")) {
                    throw error("has both " + pair + " and " + pair + "Path; keep one");
                }
            }
            if (state.has("ItemReader")) {
                if (state.has("ItemsPath")) {
                    throw error("has both ItemReader and ItemsPath; the ItemReader supplies the items");
                }
                checkItemReader(state.get("ItemReader"));
            }
            if (state.has("ResultWriter")) {
                checkResultWriter(state.get("ResultWriter"));
            }
        }

        private void checkPositiveOrZero(String field) {
            JsonNode value = state.get(field);
            if (value != null && (!value.isIntegralNumber() || value.asLong() < 0)) {
                throw error(field + " must be a non-negative integer");
            }
        }

        private void checkItemReader(JsonNode reader) {
            checkFields("ItemReader", reader, Set.of("Resource", "ReaderConfig", "Parameters"));
            if (!DistributedMap.S3_GET_OBJECT.equals(reader.path("Resource").asText())) {
                throw error("has ItemReader.Resource '" + reader.path("Resource").asText() + "'; the local runner reads"
                        + " only " + DistributedMap.S3_GET_OBJECT + " (a JSON or JSONL object)");
            }
            JsonNode config = reader.path("ReaderConfig");
            String inputType = config.path("InputType").asText(null);
            if (!"JSON".equals(inputType) && !"JSONL".equals(inputType)) {
                throw error("has ItemReader.ReaderConfig.InputType '" + inputType + "'; the local runner reads JSON"
                        + " and JSONL (CSV, MANIFEST and PARQUET are not supported locally)");
            }
            if (config.isObject()) {
                checkFields("ItemReader.ReaderConfig", config, Set.of("InputType", "MaxItems", "MaxItemsPath"));
            }
            checkS3Parameters("ItemReader", reader.get("Parameters"), "Key");
        }

        private void checkResultWriter(JsonNode writer) {
            checkFields("ResultWriter", writer, Set.of("Resource", "Parameters"));
            if (!DistributedMap.S3_PUT_OBJECT.equals(writer.path("Resource").asText())) {
                throw error("has ResultWriter.Resource '" + writer.path("Resource").asText() + "'; use "
                        + DistributedMap.S3_PUT_OBJECT + " (WriterConfig is not supported locally)");
            }
            checkS3Parameters("ResultWriter", writer.get("Parameters"), "Prefix");
        }

        private void checkS3Parameters(String where, JsonNode parameters, String second) {
            if (parameters == null || !parameters.isObject()) {
                throw error("needs " + where + ".Parameters with Bucket and " + second);
            }
            try {
                Templates.validate(parameters);
            } catch (IllegalArgumentException e) {
                throw error(where + ".Parameters " + e.getMessage());
            }
            for (String field : List.of("Bucket", second)) {
                JsonNode value = parameters.has(field) ? parameters.get(field) : parameters.get(field + ".$");
                if (value == null && !(field.equals("Prefix"))) {
                    throw error("needs " + where + ".Parameters." + field + " (or " + field + ".$)");
                }
                if (value != null && value.isTextual()) {
                    checkPlaceholder(where + ".Parameters." + field, value.textValue());
                }
            }
        }

        private void checkFields(String where, JsonNode object, Set<String> allowed) {
            if (!object.isObject()) {
                throw error(where + " must be an object");
            }
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!allowed.contains(field)) {
                    throw error("has " + where + "." + field + ", which the local runner does not support; allowed: "
                            + allowed);
                }
            }
        }

        private JsonNode withoutConfig(JsonNode processor) {
            if (!processor.isObject()) {
                throw error("ItemProcessor must be an object with StartAt and States");
            }
            for (Iterator<String> it = processor.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!Set.of("StartAt", "States", "ProcessorConfig", "Comment").contains(field)) {
                    throw error("ItemProcessor has field '" + field + "', which is not supported locally");
                }
            }
            return processor;
        }

        private void checkParallel() {
            JsonNode branches = state.get("Branches");
            if (branches == null || !branches.isArray() || branches.isEmpty()) {
                throw error("needs a non-empty Branches array");
            }
            int i = 0;
            for (JsonNode branch : branches) {
                validateScope(branch, "Parallel state '" + name + "' branch " + i++);
            }
        }

        private void checkRetry() {
            JsonNode retry = state.get("Retry");
            if (retry == null) {
                return;
            }
            checkErrorList("Retry", retry, RETRIER_FIELDS);
            for (JsonNode retrier : retry) {
                checkNumber(retrier, "IntervalSeconds", 1, true);
                checkNumber(retrier, "MaxAttempts", 0, true);
                checkNumber(retrier, "MaxDelaySeconds", 1, true);
                checkNumber(retrier, "BackoffRate", 1, false);
                JsonNode jitter = retrier.get("JitterStrategy");
                if (jitter != null && !Set.of("FULL", "NONE").contains(jitter.asText())) {
                    throw error("Retry JitterStrategy must be FULL or NONE");
                }
            }
        }

        private void checkNumber(JsonNode retrier, String field, int min, boolean integral) {
            JsonNode value = retrier.get(field);
            if (value != null && (!value.isNumber() || integral && !value.isIntegralNumber()
                    || value.asDouble() < min)) {
                throw error("Retry " + field + " must be a" + (integral ? "n integer" : " number") + " >= " + min);
            }
        }

        private void checkCatch() {
            JsonNode catchers = state.get("Catch");
            if (catchers == null) {
                return;
            }
            checkErrorList("Catch", catchers, CATCHER_FIELDS);
            for (JsonNode catcher : catchers) {
                checkTarget("Catch Next", catcher.get("Next"));
                checkResultPath("Catch ResultPath", catcher.get("ResultPath"));
            }
        }

        private void checkErrorList(String field, JsonNode list, Set<String> allowed) {
            if (!list.isArray()) {
                throw error(field + " must be an array");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode entry = list.get(i);
                for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    if (!allowed.contains(key)) {
                        throw error(field + "[" + i + "] has unknown field '" + key + "'");
                    }
                }
                JsonNode errors = entry.get("ErrorEquals");
                if (errors == null || !errors.isArray() || errors.isEmpty()) {
                    throw error(field + "[" + i + "] needs a non-empty ErrorEquals array");
                }
                for (JsonNode error : errors) {
                    if (error.asText().equals("States.ALL") && (errors.size() > 1 || i != list.size() - 1)) {
                        throw error(field + "[" + i + "] uses States.ALL, which must be alone and in the last "
                                + field + " entry");
                    }
                }
            }
        }

        private AslDefinitionException error(String problem) {
            return new AslDefinitionException("State '" + name + "' " + problem + ".");
        }
    }
}
