package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.utilities.npm.NpmPackage;

/**
 * A US Core package as portico-ig carries it ({@code portico/ig/packages/hl7.fhir.us.core-<v>.tgz}, the
 * archives Inferno validates with), read as JSON: StructureDefinitions (must-support slices),
 * SearchParameters (what a search parameter matches) and ValueSets (required bindings of slices).
 */
final class UsCorePackage {

    private final String version;
    private final Map<String, JsonNode> profiles = new HashMap<>();
    private final Map<String, JsonNode> searchParameters = new HashMap<>();
    private final Map<String, JsonNode> valueSets = new HashMap<>();

    private UsCorePackage(String version) {
        this.version = version;
    }

    static String classpathLocation(String version) {
        return "portico/ig/packages/hl7.fhir.us.core-" + version + ".tgz";
    }

    static UsCorePackage load(String version) {
        UsCorePackage pkg = new UsCorePackage(version);
        String location = classpathLocation(version);
        try (InputStream in = UsCorePackage.class.getClassLoader().getResourceAsStream(location)) {
            if (in == null) {
                throw new IllegalStateException("No " + location + " on the class path (portico-ig)");
            }
            NpmPackage npm = NpmPackage.fromPackage(in);
            for (String file : npm.listResources("StructureDefinition", "SearchParameter", "ValueSet")) {
                JsonNode json;
                try (InputStream resource = npm.loadResource(file)) {
                    json = Response.JSON.readTree(resource);
                }
                switch (json.path("resourceType").asText()) {
                    case "StructureDefinition" -> pkg.profiles.put(json.path("id").asText(), json);
                    case "SearchParameter" -> json.path("base").forEach(base ->
                            pkg.searchParameters.put(base.asText() + "." + json.path("code").asText(), json));
                    case "ValueSet" -> pkg.valueSets.put(json.path("url").asText(), json);
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + location, e);
        }
        return pkg;
    }

    String version() {
        return version;
    }

    /** The StructureDefinition with this id ({@code us-core-patient}). */
    JsonNode profile(String id) {
        JsonNode sd = profiles.get(id);
        if (sd == null) {
            throw new IllegalArgumentException("US Core " + version + " has no StructureDefinition " + id);
        }
        return sd;
    }

    /** The snapshot element with this id, if the profile has it. */
    Optional<JsonNode> element(JsonNode profile, String elementId) {
        for (JsonNode e : profile.path("snapshot").path("element")) {
            if (e.path("id").asText().equals(elementId)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The search parameter {@code code} on {@code type}: its type and FHIRPath expression ({@code _id} is
     * the resource id, as in FHIR core).
     */
    SearchParam searchParam(String type, String code) {
        JsonNode sp = searchParameters.get(type + "." + code);
        if (sp != null) {
            return new SearchParam(code, sp.path("type").asText(), sp.path("expression").asText());
        }
        return switch (code) {
            case "_id" -> new SearchParam(code, "token", type + ".id");
            default -> throw new IllegalArgumentException("US Core " + version + " defines no search parameter " + type + "?" + code);
        };
    }

    record SearchParam(String code, String type, String expression) {}

    /**
     * The system|code pairs a ValueSet of this package enumerates ({@code system|} for a whole system);
     * empty when the package does not define it (e.g. a VSAC value set).
     */
    Optional<Set<String>> valueSetCodes(String url) {
        String bare = url.contains("|") ? url.substring(0, url.indexOf('|')) : url;
        JsonNode vs = valueSets.get(bare);
        if (vs == null) {
            return Optional.empty();
        }
        Set<String> codes = new LinkedHashSet<>();
        for (JsonNode include : vs.path("compose").path("include")) {
            String system = include.path("system").asText();
            if (include.has("concept")) {
                include.path("concept").forEach(c -> codes.add(system + "|" + c.path("code").asText()));
            } else if (!system.isEmpty()) {
                codes.add(system + "|");
            }
            include.path("valueSet").forEach(other -> valueSetCodes(other.asText()).ifPresent(codes::addAll));
        }
        return Optional.of(codes);
    }
}
