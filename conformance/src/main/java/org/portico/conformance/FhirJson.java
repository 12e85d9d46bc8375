package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The little FHIRPath the kit needs on resources as JSON: the simple paths of US Core's search parameter
 * expressions ({@code Observation.effective}, {@code CarePlan.subject.where(resolve() is Patient)},
 * {@code Location.name|Location.alias}), with choice elements ({@code effective} finds
 * {@code effectiveDateTime} or {@code effectivePeriod}) and arrays flattened.
 */
final class FhirJson {

    private FhirJson() {}

    /** The values {@code expression} selects in {@code resource}. */
    static List<JsonNode> evaluate(JsonNode resource, String expression) {
        List<JsonNode> out = new ArrayList<>();
        for (String alternative : splitUnion(expression)) {
            String path = stripWhere(alternative.trim());
            if (path.startsWith("(") && path.endsWith(")")) {
                path = path.substring(1, path.length() - 1);
            }
            String[] steps = path.split("\\.");
            String first = steps[0];
            if (!first.equals("Resource") && !first.equals(resource.path("resourceType").asText())) {
                continue;
            }
            List<JsonNode> current = List.of(resource);
            for (int i = 1; i < steps.length; i++) {
                current = child(current, steps[i]);
            }
            out.addAll(current);
        }
        return out;
    }

    /** The values of element {@code name} of each node: arrays flattened, a choice element by its typed names. */
    static List<JsonNode> child(List<JsonNode> nodes, String name) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode node : nodes) {
            if (!node.isObject()) {
                continue;
            }
            JsonNode value = node.get(name);
            if (value != null) {
                addFlat(out, value);
                continue;
            }
            node.fieldNames().forEachRemaining(field -> {
                if (field.length() > name.length() && field.startsWith(name) && Character.isUpperCase(field.charAt(name.length()))) {
                    addFlat(out, node.get(field));
                }
            });
        }
        return out;
    }

    /** The name of the choice element {@code name} as it appears in {@code node} ({@code effectiveDateTime}), or null. */
    static String choiceName(JsonNode node, String name) {
        var fields = node.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (field.length() > name.length() && field.startsWith(name) && Character.isUpperCase(field.charAt(name.length()))) {
                return field;
            }
        }
        return null;
    }

    static void addFlat(List<JsonNode> out, JsonNode value) {
        if (value.isArray()) {
            value.forEach(out::add);
        } else {
            out.add(value);
        }
    }

    /** The codings of a CodeableConcept, or the value itself (a Coding, an Identifier). */
    static List<JsonNode> codings(JsonNode v) {
        List<JsonNode> out = new ArrayList<>();
        if (v.has("coding")) {
            v.path("coding").forEach(out::add);
        } else {
            out.add(v);
        }
        return out;
    }

    /** Every {@code reference} string anywhere in {@code node}. */
    static List<String> references(JsonNode node) {
        List<String> out = new ArrayList<>();
        collectReferences(node, out);
        return out;
    }

    private static void collectReferences(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("reference") && f.getValue().isTextual()) {
                    out.add(f.getValue().asText());
                } else if (!f.getKey().equals("contained")) {
                    collectReferences(f.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectReferences(n, out));
        }
    }

    /** {@code Type/id} of a reference string (relative, absolute or versioned), or null for contained and urn references. */
    static String typeAndId(String reference) {
        if (reference == null || reference.startsWith("#") || reference.startsWith("urn:")) {
            return null;
        }
        String r = reference.replaceAll("/_history/[^/]+$", "");
        String[] parts = r.split("/");
        if (parts.length < 2) {
            return null;
        }
        String type = parts[parts.length - 2];
        if (type.isEmpty() || !Character.isUpperCase(type.charAt(0))) {
            return null;
        }
        return type + "/" + parts[parts.length - 1];
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static List<String> splitUnion(String expression) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                parts.add(expression.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(expression.substring(start));
        return parts;
    }

    /** Drops {@code .where(...)} (the kit follows the path; the reference's type is checked by the caller). */
    private static String stripWhere(String path) {
        int at = path.indexOf(".where(");
        while (at >= 0) {
            int depth = 0;
            int end = at + ".where".length();
            for (; end < path.length(); end++) {
                if (path.charAt(end) == '(') {
                    depth++;
                } else if (path.charAt(end) == ')' && --depth == 0) {
                    break;
                }
            }
            path = path.substring(0, at) + path.substring(Math.min(end + 1, path.length()));
            at = path.indexOf(".where(");
        }
        return path;
    }
}
