package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Must-support coverage as Inferno's {@code must_support_test}: each element of the table (a path such as
 * {@code component:systolic.valueQuantity.code}, {@code value[x]:valueQuantity}, {@code extension:race},
 * {@code reasonCode or reasonReference}) must be populated in at least one resource; a value that only
 * says "data absent" (the data-absent-reason extension or code system) does not count. A slice
 * ({@code category:VSCat}) is told apart by its discriminators in the profile's snapshot: fixed and
 * pattern values, the URL of an extension, a required binding to a ValueSet of the package.
 */
final class MustSupport {

    static final String DAR_EXTENSION = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    static final String DAR_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason";

    private final UsCorePackage pkg;
    private final JsonNode profile;
    private final String type;

    MustSupport(UsCorePackage pkg, String profileId) {
        this.pkg = pkg;
        this.profile = pkg.profile(profileId);
        this.type = profile.path("type").asText();
    }

    /** The elements of {@code elements} that no resource of {@code resources} populates. */
    List<String> missing(List<String> elements, List<JsonNode> resources) {
        List<String> missing = new ArrayList<>();
        for (String element : elements) {
            boolean found = false;
            for (String alternative : element.split(" or ")) {
                if (resources.stream().anyMatch(r -> !values(r, alternative.trim()).isEmpty())) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(element);
            }
        }
        return missing;
    }

    /** The populated values of {@code element} (a table path) in {@code resource}. */
    List<JsonNode> values(JsonNode resource, String element) {
        List<JsonNode> current = List.of(resource);
        String elementId = type;
        for (String segment : element.split("\\.(?![^\\[]*])")) {
            String name = segment;
            String slice = null;
            int colon = segment.indexOf(':');
            if (colon >= 0) {
                name = segment.substring(0, colon);
                slice = segment.substring(colon + 1);
            }
            List<JsonNode> next = new ArrayList<>();
            if (name.endsWith("[x]")) {
                String base = name.substring(0, name.length() - 3);
                for (JsonNode node : current) {
                    if (slice != null) {
                        addPopulated(next, node.get(slice));
                    } else {
                        String field = node.isObject() ? FhirJson.choiceName(node, base) : null;
                        addPopulated(next, field == null ? null : node.get(field));
                    }
                }
                elementId = elementId + "." + segment;
                current = next;
                continue;
            }
            if (slice != null && slice.startsWith(name) && slice.length() > name.length()) {
                // "valueQuantity:valueQuantity": the typed choice element
                String typed = name;
                current.forEach(node -> addPopulated(next, node.get(typed)));
                elementId = elementId + "." + name.replaceAll("(Quantity|CodeableConcept|String|DateTime|Period)$", "[x]") + ":" + slice;
                current = next;
                continue;
            }
            for (JsonNode node : current) {
                if (name.equals("dataAbsentReason")) {
                    addFlat(next, node.get(name)); // the element that says why data is absent counts as itself
                } else {
                    addPopulated(next, node.get(name));
                }
            }
            elementId = elementId + "." + name;
            if (slice != null) {
                String sliceId = elementId + ":" + slice;
                next.removeIf(value -> !inSlice(value, sliceId));
                elementId = sliceId;
            }
            current = next;
        }
        return current;
    }

    private static void addFlat(List<JsonNode> out, JsonNode value) {
        if (value != null && !value.isNull()) {
            FhirJson.addFlat(out, value);
        }
    }

    private static void addPopulated(List<JsonNode> out, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isArray()) {
            value.forEach(v -> addPopulated(out, v));
        } else if (!onlyDataAbsent(value)) {
            out.add(value);
        }
    }

    /** A value whose only content is a data-absent-reason (extension or code), which Inferno does not count. */
    static boolean onlyDataAbsent(JsonNode value) {
        if (!value.isObject()) {
            return false;
        }
        JsonNode coding = value.path("coding");
        if (coding.isArray() && !coding.isEmpty()) {
            boolean allDar = true;
            for (JsonNode c : coding) {
                allDar &= DAR_SYSTEM.equals(c.path("system").asText());
            }
            if (allDar) {
                return true;
            }
        }
        if (DAR_SYSTEM.equals(value.path("system").asText())) {
            return true;
        }
        Iterator<String> fields = value.fieldNames();
        boolean onlyExtension = fields.hasNext();
        while (fields.hasNext()) {
            onlyExtension &= fields.next().equals("extension");
        }
        if (onlyExtension) {
            for (JsonNode ext : value.path("extension")) {
                if (DAR_EXTENSION.equals(ext.path("url").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Is {@code value} in the slice with element id {@code sliceId} (e.g. {@code Observation.category:VSCat})? */
    boolean inSlice(JsonNode value, String sliceId) {
        String slicedId = sliceId.substring(0, sliceId.lastIndexOf(':'));
        Optional<JsonNode> sliced = pkg.element(profile, slicedId);
        JsonNode discriminators = sliced.map(e -> e.path("slicing").path("discriminator")).orElse(null);
        if (discriminators == null || discriminators.isEmpty()) {
            return constraintHolds(value, sliceId, "$this");
        }
        for (JsonNode d : discriminators) {
            String path = d.path("path").asText();
            switch (d.path("type").asText()) {
                case "value", "pattern" -> {
                    if (!constraintHolds(value, sliceId, path)) {
                        return false;
                    }
                }
                case "type" -> {
                    // a choice slice is picked by its typed JSON name before we get here
                }
                default -> { }
            }
        }
        return true;
    }

    /** The fixed/pattern value or required binding of {@code sliceId}'s {@code path} holds for {@code value}. */
    private boolean constraintHolds(JsonNode value, String sliceId, String path) {
        String id = path.equals("$this") ? sliceId : sliceId + "." + path;
        Optional<JsonNode> element = pkg.element(profile, id);
        if (element.isEmpty() && path.equals("url")) {
            // an extension slice: the snapshot names the extension by its type's profile, not by a fixed url
            Optional<String> url = pkg.element(profile, sliceId).map(e -> e.path("type").path(0).path("profile").path(0).asText(null));
            if (url.isPresent()) {
                return url.get().equals(value.path("url").asText());
            }
        }
        if (element.isEmpty()) {
            return true;
        }
        List<JsonNode> at = path.equals("$this") ? List.of(value) : at(value, path);
        for (Iterator<Map.Entry<String, JsonNode>> it = element.get().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().startsWith("fixed") || field.getKey().startsWith("pattern")) {
                return at.stream().anyMatch(v -> contains(v, field.getValue()));
            }
        }
        JsonNode binding = element.get().path("binding");
        if ("required".equals(binding.path("strength").asText()) && binding.has("valueSet")) {
            Optional<Set<String>> codes = pkg.valueSetCodes(binding.path("valueSet").asText());
            if (codes.isPresent()) {
                return at.stream().anyMatch(v -> inValueSet(v, codes.get()));
            }
        }
        return true;
    }

    private static List<JsonNode> at(JsonNode value, String path) {
        List<JsonNode> current = List.of(value);
        for (String step : path.split("\\.")) {
            current = FhirJson.child(current, step);
        }
        return current;
    }

    private static boolean inValueSet(JsonNode v, Set<String> codes) {
        for (JsonNode c : FhirJson.codings(v)) {
            String system = c.path("system").asText();
            if (codes.contains(system + "|" + c.path("code").asText()) || codes.contains(system + "|")) {
                return true;
            }
        }
        return false;
    }

    /** JSON pattern matching as FHIR defines it: every member of the pattern is in the value (arrays: each pattern item in some item). */
    static boolean contains(JsonNode value, JsonNode pattern) {
        if (pattern.isObject()) {
            if (!value.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = value.get(f.getKey());
                if (v == null || !contains(v, f.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (pattern.isArray()) {
            for (JsonNode p : pattern) {
                boolean found = false;
                for (JsonNode v : value.isArray() ? value : Response.JSON.createArrayNode().add(value)) {
                    if (contains(v, p)) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    return false;
                }
            }
            return true;
        }
        if (value.isArray()) {
            for (JsonNode v : value) {
                if (contains(v, pattern)) {
                    return true;
                }
            }
            return false;
        }
        return value.asText().equals(pattern.asText());
    }
}
