package org.portico.smart.scope;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A resource scope such as {@code patient/Observation.rs?category=laboratory} or its v1 form
 * {@code patient/Observation.read}, normalised to v2 permissions.
 *
 * @param compartment  {@code patient}, {@code user} or {@code system}
 * @param resourceType a FHIR resource type, or {@value #ANY_TYPE} for every type
 * @param interactions the v2 permissions granted (never empty)
 * @param restrictions granular search-parameter restrictions, all of which must hold (empty: none)
 * @param rawQuery     the restriction query exactly as written (without {@code ?}), or empty
 * @param version      which syntax the client used
 * @param original     the scope as the client wrote it
 */
public record ResourceScope(
        Compartment compartment,
        String resourceType,
        Set<Interaction> interactions,
        List<Restriction> restrictions,
        String rawQuery,
        ScopeVersion version,
        String original)
        implements Scope {

    public static final String ANY_TYPE = "*";

    public ResourceScope {
        Objects.requireNonNull(compartment, "compartment");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(original, "original");
        if (interactions == null || interactions.isEmpty()) {
            throw new IllegalArgumentException("a resource scope grants at least one interaction");
        }
        interactions = Set.copyOf(EnumSet.copyOf(interactions));
        restrictions = restrictions == null ? List.of() : List.copyOf(restrictions);
        rawQuery = rawQuery == null ? "" : rawQuery;
    }

    /** The SMART v2 form, e.g. {@code patient/Observation.rs?category=laboratory}. */
    @Override
    public String normalized() {
        String base = compartment.prefix() + "/" + resourceType + "." + Interaction.letters(interactions);
        return rawQuery.isEmpty() ? base : base + "?" + rawQuery;
    }

    public boolean isWildcard() {
        return ANY_TYPE.equals(resourceType);
    }

    /** Whether this scope covers the given resource type (exactly, or through {@code *}). */
    public boolean appliesTo(String type) {
        return isWildcard() || resourceType.equals(type);
    }

    public boolean allows(Interaction interaction) {
        return interactions.contains(interaction);
    }

    public boolean isRestricted() {
        return !restrictions.isEmpty();
    }

    /**
     * This scope narrowed by one more restriction, in SMART v2 form whatever form this one was in
     * (v1 cannot express restrictions): {@code patient/Observation.read} narrowed to
     * {@code category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory} is
     * {@code patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory}.
     * The value is written as is, except for the characters that would change its meaning in a
     * scope query ({@code % & = + #} and spaces), which are percent-encoded.
     */
    public ResourceScope narrowedTo(Restriction restriction) {
        Objects.requireNonNull(restriction, "restriction");
        ArrayList<Restriction> narrowed = new ArrayList<>(restrictions);
        narrowed.add(restriction);
        String pair = restriction.parameter() + "=" + encodeValue(restriction.value());
        String query = rawQuery.isEmpty() ? pair : rawQuery + "&" + pair;
        String text = compartment.prefix() + "/" + resourceType + "." + Interaction.letters(interactions) + "?" + query;
        return new ResourceScope(compartment, resourceType, interactions, narrowed, query, ScopeVersion.V2, text);
    }

    private static String encodeValue(String value) {
        StringBuilder sb = new StringBuilder();
        for (char ch : value.toCharArray()) {
            if (ch == '%' || ch == '&' || ch == '=' || ch == '+' || ch == '#' || ch <= 0x20) {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /**
     * Whether everything {@code other} grants is also granted by this scope: same context, a type
     * this scope covers, no interaction more, and restrictions at least as narrow as ours. Used to
     * check a requested scope against what a client is registered for.
     */
    public boolean covers(ResourceScope other) {
        return compartment == other.compartment
                && appliesTo(other.resourceType)
                && (isWildcard() || !other.isWildcard())
                && interactions.containsAll(other.interactions)
                && other.restrictions.containsAll(restrictions);
    }
}
