package org.portico.auth.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The age rules of proxy access per jurisdiction ({@code proxy/jurisdiction-rules.json}, ADR 0019):
 * versioned entries per state with effective dates, and the sensitive-data classes with the HL7
 * security labels each one stands for. Plain data, read once at start-up; no Spring here so that unit
 * tests load the shipped file as it is.
 */
public final class JurisdictionRules {

    /** The shipped table. */
    public static final String RESOURCE = "proxy/jurisdiction-rules.json";
    /** The entry for a state that has none of its own: the strictest, so an unknown state fails closed. */
    static final String ANY_STATE = "*";

    /**
     * One version of a state's rule.
     *
     * @param effectiveTo exclusive; null: still in force
     */
    public record Rule(String id, String state, int version, LocalDate effectiveFrom, LocalDate effectiveTo, int narrowingAge,
            Set<String> guardianClasses, Set<String> confidentialClasses, int proxyEndAge) {

        boolean inForceOn(LocalDate day) {
            return !day.isBefore(effectiveFrom) && (effectiveTo == null || day.isBefore(effectiveTo));
        }
    }

    private final Map<String, List<String>> classes;
    private final List<Rule> rules;

    JurisdictionRules(Map<String, List<String>> classes, List<Rule> rules) {
        this.classes = classes;
        this.rules = rules;
    }

    /** The shipped table from the classpath. */
    public static JurisdictionRules shipped() {
        try (InputStream in = JurisdictionRules.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JurisdictionRules parse(JsonNode root) {
        Map<String, List<String>> classes = new LinkedHashMap<>();
        root.path("classes").fields().forEachRemaining(e -> {
            List<String> labels = new ArrayList<>();
            e.getValue().forEach(l -> labels.add(l.asText()));
            classes.put(e.getKey(), List.copyOf(labels));
        });
        List<Rule> rules = new ArrayList<>();
        for (JsonNode r : root.path("rules")) {
            Rule rule = new Rule(r.path("id").asText(), r.path("state").asText().toUpperCase(Locale.ROOT), r.path("version").asInt(),
                    LocalDate.parse(r.path("effective_from").asText()),
                    r.hasNonNull("effective_to") ? LocalDate.parse(r.path("effective_to").asText()) : null,
                    r.path("narrowing_age").asInt(), codes(r.path("guardian_classes"), classes),
                    codes(r.path("confidential_classes"), classes), r.path("proxy_end_age").asInt());
            if (rule.narrowingAge() <= 0 || rule.proxyEndAge() <= rule.narrowingAge()) {
                throw new IllegalStateException("rule " + rule.id() + " v" + rule.version() + ": ages out of order");
            }
            rules.add(rule);
        }
        if (rules.stream().noneMatch(r -> r.state().equals(ANY_STATE))) {
            throw new IllegalStateException("the jurisdiction rules need an entry for state " + ANY_STATE);
        }
        return new JurisdictionRules(java.util.Collections.unmodifiableMap(classes), List.copyOf(rules));
    }

    private static Set<String> codes(JsonNode array, Map<String, List<String>> classes) {
        Set<String> codes = new LinkedHashSet<>();
        for (JsonNode code : array) {
            if (!classes.containsKey(code.asText())) {
                throw new IllegalStateException("unknown sensitive-data class " + code.asText());
            }
            codes.add(code.asText());
        }
        return Set.copyOf(codes);
    }

    /**
     * The two-letter USPS code of a state written in full ({@code Texas}, {@code massachusetts}), as Synthea
     * and many EHRs write {@code address.state}; any other value upper-cased as it is. Without this a
     * patient in "Texas" got the {@code *} rule rather than Texas's.
     */
    static String stateCode(String state) {
        String trimmed = state.trim().replaceAll("\\s+", " ");
        String code = STATE_NAMES.get(trimmed.toLowerCase(Locale.ROOT));
        return code != null ? code : trimmed.toUpperCase(Locale.ROOT);
    }

    private static final Map<String, String> STATE_NAMES = stateNames(
            "Alabama AL", "Alaska AK", "Arizona AZ", "Arkansas AR", "California CA", "Colorado CO", "Connecticut CT", "Delaware DE",
            "District of Columbia DC", "Florida FL", "Georgia GA", "Hawaii HI", "Idaho ID", "Illinois IL", "Indiana IN", "Iowa IA",
            "Kansas KS", "Kentucky KY", "Louisiana LA", "Maine ME", "Maryland MD", "Massachusetts MA", "Michigan MI", "Minnesota MN",
            "Mississippi MS", "Missouri MO", "Montana MT", "Nebraska NE", "Nevada NV", "New Hampshire NH", "New Jersey NJ",
            "New Mexico NM", "New York NY", "North Carolina NC", "North Dakota ND", "Ohio OH", "Oklahoma OK", "Oregon OR",
            "Pennsylvania PA", "Rhode Island RI", "South Carolina SC", "South Dakota SD", "Tennessee TN", "Texas TX", "Utah UT",
            "Vermont VT", "Virginia VA", "Washington WA", "West Virginia WV", "Wisconsin WI", "Wyoming WY", "American Samoa AS",
            "Guam GU", "Northern Mariana Islands MP", "Puerto Rico PR", "U.S. Virgin Islands VI", "Virgin Islands VI");

    private static Map<String, String> stateNames(String... entries) {
        Map<String, String> names = new java.util.HashMap<>();
        for (String entry : entries) {
            int space = entry.lastIndexOf(' ');
            names.put(entry.substring(0, space).toLowerCase(Locale.ROOT), entry.substring(space + 1));
        }
        return Map.copyOf(names);
    }

    /** The rule in force on that day for that state (two-letter code, or the state's name in full), else the {@code *} one. */
    public Rule ruleFor(String state, LocalDate day) {
        String key = state == null ? ANY_STATE : stateCode(state);
        return find(key, day).or(() -> find(ANY_STATE, day))
                .orElseThrow(() -> new IllegalStateException("no jurisdiction rule in force on " + day));
    }

    private Optional<Rule> find(String state, LocalDate day) {
        return rules.stream().filter(r -> r.state().equals(state) && r.inForceOn(day)).findFirst();
    }

    /** The class codes in the order of the file (the consent page's order). */
    public List<String> classCodes() {
        return List.copyOf(classes.keySet());
    }

    /** The security labels ({@code system|code}) of these classes; unknown codes give nothing. */
    public Set<String> labels(Iterable<String> classCodes) {
        Set<String> labels = new LinkedHashSet<>();
        for (String code : classCodes) {
            labels.addAll(classes.getOrDefault(code, List.of()));
        }
        return labels;
    }

    public boolean isClass(String code) {
        return classes.containsKey(code);
    }
}
