package io.cachecheck.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Choice rules in JSONPath mode: comparisons, type tests and And/Or/Not. */
final class Choices {

    private static final List<String> KINDS = List.of("String", "Numeric", "Boolean", "Timestamp");
    private static final List<String> RELATIONS =
            List.of("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals");
    private static final Set<String> TYPE_TESTS =
            Set.of("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp");

    private Choices() {}

    /** Checks one rule; IllegalArgumentException says what is wrong with it. */
    static void validate(JsonNode rule, boolean topLevel) {
        if (!rule.isObject()) {
            throw new IllegalArgumentException("a Choice rule must be an object");
        }
        if (topLevel != rule.has("Next")) {
            throw new IllegalArgumentException(topLevel ? "a top-level Choice rule needs Next"
                    : "only top-level Choice rules may have Next");
        }
        if (rule.has("Next") && !rule.get("Next").isTextual()) {
            throw new IllegalArgumentException("Next must be a state name");
        }
        if (rule.has("And") || rule.has("Or")) {
            JsonNode list = rule.has("And") ? rule.get("And") : rule.get("Or");
            if (!list.isArray() || list.isEmpty()) {
                throw new IllegalArgumentException("And/Or need a non-empty array of rules");
            }
            list.forEach(inner -> validate(inner, false));
            return;
        }
        if (rule.has("Not")) {
            validate(rule.get("Not"), false);
            return;
        }
        JsonNode variable = rule.get("Variable");
        if (variable == null || !variable.isTextual()) {
            throw new IllegalArgumentException("a comparison needs Variable");
        }
        Json.compile(variable.textValue());
        String operator = null;
        for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equals("Variable") || name.equals("Next") || name.equals("Comment")) {
                continue;
            }
            if (operator != null) {
                throw new IllegalArgumentException("a comparison has exactly one operator, found " + operator
                        + " and " + name);
            }
            operator = name;
        }
        if (operator == null) {
            throw new IllegalArgumentException("the comparison on " + variable.textValue() + " has no operator");
        }
        validateOperand(operator, rule.get(operator));
    }

    private static void validateOperand(String operator, JsonNode operand) {
        if (TYPE_TESTS.contains(operator)) {
            require(operand.isBoolean(), operator + " takes true or false");
        } else if (operator.equals("StringMatches")) {
            require(operand.isTextual(), "StringMatches takes a string pattern");
        } else if (operator.endsWith("Path") && kind(operator.substring(0, operator.length() - 4)) != null) {
            require(operand.isTextual(), operator + " takes a path");
            Json.compile(operand.textValue());
        } else {
            String kind = kind(operator);
            if (kind == null) {
                throw new IllegalArgumentException("unknown comparison operator '" + operator + "'");
            }
            switch (kind) {
                case "String" -> require(operand.isTextual(), operator + " takes a string");
                case "Numeric" -> require(operand.isNumber(), operator + " takes a number");
                case "Boolean" -> require(operand.isBoolean(), operator + " takes true or false");
                default -> require(operand.isTextual() && timestamp(operand) != null,
                        operator + " takes an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
            }
        }
    }

    /** The kind of a plain comparison operator (String, Numeric, Boolean, Timestamp), or null. */
    private static String kind(String operator) {
        for (String kind : KINDS) {
            if (operator.startsWith(kind)) {
                String relation = operator.substring(kind.length());
                if (kind.equals("Boolean") ? relation.equals("Equals") : RELATIONS.contains(relation)) {
                    return kind;
                }
            }
        }
        return null;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Evaluates a validated rule; DataFlowException when a Variable or ...Path selects nothing. */
    static boolean matches(JsonNode rule, JsonNode input) {
        if (rule.has("And")) {
            for (JsonNode inner : rule.get("And")) {
                if (!matches(inner, input)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode inner : rule.get("Or")) {
                if (matches(inner, input)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !matches(rule.get("Not"), input);
        }
        String variable = rule.get("Variable").textValue();
        String operator = operator(rule);
        JsonNode operand = rule.get(operator);
        if (operator.equals("IsPresent")) {
            return Json.exists(input, variable) == operand.booleanValue();
        }
        JsonNode value = Json.select(input, input, variable);
        if (TYPE_TESTS.contains(operator)) {
            boolean is = switch (operator) {
                case "IsNull" -> value.isNull();
                case "IsNumeric" -> value.isNumber();
                case "IsString" -> value.isTextual();
                case "IsBoolean" -> value.isBoolean();
                default -> value.isTextual() && timestamp(value) != null;
            };
            return is == operand.booleanValue();
        }
        if (operator.equals("StringMatches")) {
            return value.isTextual() && wildcard(operand.textValue()).matcher(value.textValue()).matches();
        }
        if (operator.endsWith("Path") && kind(operator.substring(0, operator.length() - 4)) != null) {
            operator = operator.substring(0, operator.length() - 4);
            operand = Json.select(input, input, operand.textValue());
        }
        String kind = kind(operator);
        Integer order = compare(kind, value, operand);
        if (order == null) {
            // Values of the wrong type never match, as in AWS.
            return false;
        }
        return switch (operator.substring(kind.length())) {
            case "Equals" -> order == 0;
            case "LessThan" -> order < 0;
            case "GreaterThan" -> order > 0;
            case "LessThanEquals" -> order <= 0;
            default -> order >= 0;
        };
    }

    private static String operator(JsonNode rule) {
        for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("Variable") && !name.equals("Next") && !name.equals("Comment")) {
                return name;
            }
        }
        throw new IllegalStateException("validated rule without operator");
    }

    private static Integer compare(String kind, JsonNode value, JsonNode operand) {
        switch (kind) {
            case "String":
                return value.isTextual() && operand.isTextual() ? value.textValue().compareTo(operand.textValue())
                        : null;
            case "Numeric":
                return value.isNumber() && operand.isNumber()
                        ? value.decimalValue().compareTo(operand.decimalValue()) : null;
            case "Boolean":
                return value.isBoolean() && operand.isBoolean()
                        ? Boolean.compare(value.booleanValue(), operand.booleanValue()) : null;
            default:
                OffsetDateTime left = timestamp(value);
                OffsetDateTime right = timestamp(operand);
                return left == null || right == null ? null : left.toInstant().compareTo(right.toInstant());
        }
    }

    private static OffsetDateTime timestamp(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.textValue());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** StringMatches: {@code *} matches any run of characters; {@code \*} and {@code \\} are literals. */
    private static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
