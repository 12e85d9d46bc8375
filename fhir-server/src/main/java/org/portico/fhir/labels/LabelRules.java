package org.portico.fhir.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The security-label rules as data (ADR 0021): {@code security-labels/rules.json} on the classpath, or an
 * operator's file of the same shape. Read once and checked: every rule names labels the file defines, a
 * source the file lists, a code system, and codes or ranges; a file that breaks this stops the server at
 * start-up instead of labelling nothing.
 */
public record LabelRules(String id, String version, Label confidentiality, Map<String, List<String>> elements, List<Rule> rules) {

    static final String BUNDLED = "security-labels/rules.json";

    /** One {@code meta.security} coding. */
    public record Label(String system, String code, String display) {
        String key() {
            return system + "|" + code;
        }
    }

    /**
     * A rule: a code in {@code system} that is one of {@code codes}, or whose three-character category
     * (ICD-10 style, {@code F11.20} -> {@code F11}) lies within one of {@code ranges} (inclusive, compared
     * as text, so {@code O00}-{@code O9A} holds {@code O99} and {@code O9A}), gives the resource {@code labels}.
     */
    public record Rule(String id, String description, String source, String system, Set<String> codes, List<String[]> ranges,
            List<Label> labels) {

        boolean matches(String codeSystem, String code) {
            if (code == null || !system.equals(codeSystem)) {
                return false;
            }
            String value = code.trim();
            if (codes.contains(value)) {
                return true;
            }
            String upper = value.toUpperCase(Locale.ROOT);
            if (upper.length() < 3) {
                return false;
            }
            String category = upper.substring(0, 3);
            for (String[] range : ranges) {
                if (category.compareTo(range[0]) >= 0 && category.compareTo(range[1]) <= 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The rules shipped with the server. */
    public static LabelRules bundled() {
        try (InputStream in = LabelRules.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " missing from the classpath");
            }
            return parse(new ObjectMapper().readTree(in), BUNDLED);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + BUNDLED, e);
        }
    }

    /** An operator's rules file, or the bundled rules when {@code file} is null or blank. */
    public static LabelRules load(String file) {
        if (file == null || file.isBlank()) {
            return bundled();
        }
        Path path = Path.of(file.trim());
        try (InputStream in = Files.newInputStream(path)) {
            return parse(new ObjectMapper().readTree(in), path.toString());
        } catch (IOException e) {
            throw new IllegalStateException("portico.fhir.security-label-rules: cannot read " + path.toAbsolutePath(), e);
        }
    }

    static LabelRules parse(JsonNode root, String where) {
        String id = text(root, "id", where);
        String version = text(root, "version", where);
        Label confidentiality = label(root.path("confidentiality"), where + " confidentiality");
        Map<String, Label> labels = new LinkedHashMap<>();
        root.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), label(e.getValue(), where + " label " + e.getKey())));
        Map<String, List<String>> elements = new LinkedHashMap<>();
        root.path("elements").fields().forEachRemaining(e -> {
            List<String> names = new ArrayList<>();
            e.getValue().forEach(n -> names.add(n.asText()));
            elements.put(e.getKey(), List.copyOf(names));
        });
        if (elements.isEmpty()) {
            throw new IllegalStateException(where + ": no elements to read codes from");
        }
        Set<String> sources = new HashSet<>();
        root.path("sources").fieldNames().forEachRemaining(sources::add);
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode node : root.path("rules")) {
            String ruleId = text(node, "id", where + " rule");
            String at = where + " rule " + ruleId;
            if (!ids.add(ruleId)) {
                throw new IllegalStateException(at + ": duplicate id");
            }
            String source = text(node, "source", at);
            if (!sources.contains(source)) {
                throw new IllegalStateException(at + ": source " + source + " is not listed under sources");
            }
            List<Label> ruleLabels = new ArrayList<>();
            for (JsonNode name : node.path("labels")) {
                Label label = labels.get(name.asText());
                if (label == null) {
                    throw new IllegalStateException(at + ": label " + name.asText() + " is not defined under labels");
                }
                ruleLabels.add(label);
            }
            if (ruleLabels.isEmpty()) {
                throw new IllegalStateException(at + ": no labels");
            }
            Set<String> codes = new HashSet<>();
            node.path("codes").fieldNames().forEachRemaining(codes::add);
            List<String[]> ranges = new ArrayList<>();
            for (JsonNode range : node.path("ranges")) {
                String from = range.path(0).asText().toUpperCase(Locale.ROOT);
                String to = range.path(1).asText().toUpperCase(Locale.ROOT);
                if (from.length() != 3 || to.length() != 3 || from.compareTo(to) > 0) {
                    throw new IllegalStateException(at + ": a range is two three-character categories, the first not after the second");
                }
                ranges.add(new String[] {from, to});
            }
            if (codes.isEmpty() && ranges.isEmpty()) {
                throw new IllegalStateException(at + ": neither codes nor ranges");
            }
            rules.add(new Rule(ruleId, node.path("description").asText(""), source, text(node, "system", at), Set.copyOf(codes),
                    List.copyOf(ranges), List.copyOf(ruleLabels)));
        }
        if (rules.isEmpty()) {
            throw new IllegalStateException(where + ": no rules");
        }
        return new LabelRules(id, version, confidentiality, Map.copyOf(elements), List.copyOf(rules));
    }

    private static Label label(JsonNode node, String where) {
        return new Label(text(node, "system", where), text(node, "code", where), node.path("display").asText(null));
    }

    private static String text(JsonNode node, String field, String where) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalStateException(where + ": '" + field + "' is missing");
        }
        return value;
    }
}
