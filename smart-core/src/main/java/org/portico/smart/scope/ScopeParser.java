package org.portico.smart.scope;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses SMART App Launch scope strings (v1 and v2). The parser is total: any input yields a
 * {@link Scope}; input it does not understand becomes an {@link UnknownScope} with the reason,
 * never an exception, so that callers can drop it (default deny) and say why.
 */
public final class ScopeParser {

    private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]{0,63}");
    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-.:]*");
    private static final int MAX_LENGTH = 1024;

    private ScopeParser() {}

    /** Parses one scope token (no surrounding spaces). */
    public static Scope parse(String token) {
        if (token == null || token.isEmpty()) {
            return new UnknownScope(token == null ? "" : token, "empty scope");
        }
        if (token.length() > MAX_LENGTH) {
            return new UnknownScope(token, "scope longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < token.length(); i++) {
            char ch = token.charAt(i);
            // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            if (ch < 0x21 || ch == 0x22 || ch == 0x5C || ch > 0x7E) {
                return new UnknownScope(token, "character not allowed in a scope token");
            }
        }
        Optional<StandardScope> standard = StandardScope.of(token);
        if (standard.isPresent()) {
            return standard.get();
        }
        if (token.startsWith("launch/")) {
            return new UnknownScope(token, "unsupported launch context");
        }
        return parseResourceScope(token);
    }

    /** Parses a space-separated scope parameter (RFC 6749 section 3.3); null or blank gives an empty set. */
    public static ScopeSet parseAll(String scopes) {
        List<Scope> parsed = new ArrayList<>();
        if (scopes != null) {
            for (String token : scopes.trim().split(" +")) {
                if (!token.isEmpty()) {
                    parsed.add(parse(token));
                }
            }
        }
        return new ScopeSet(parsed);
    }

    private static Scope parseResourceScope(String token) {
        int slash = token.indexOf('/');
        if (slash < 0) {
            return new UnknownScope(token, "not a SMART scope");
        }
        Optional<Compartment> compartment = Compartment.ofPrefix(token.substring(0, slash));
        if (compartment.isEmpty()) {
            return new UnknownScope(token, "unknown context '" + token.substring(0, slash) + "'");
        }
        String rest = token.substring(slash + 1);
        String rawQuery = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            rawQuery = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        int dot = rest.indexOf('.');
        if (dot < 0) {
            return new UnknownScope(token, "missing permissions after the resource type");
        }
        String type = rest.substring(0, dot);
        String permissions = rest.substring(dot + 1);
        if (!ResourceScope.ANY_TYPE.equals(type) && !RESOURCE_TYPE.matcher(type).matches()) {
            return new UnknownScope(token, "invalid resource type '" + type + "'");
        }

        ScopeVersion version;
        Set<Interaction> interactions;
        switch (permissions) {
            case "read" -> {
                version = ScopeVersion.V1;
                interactions = EnumSet.of(Interaction.READ, Interaction.SEARCH);
            }
            case "write" -> {
                version = ScopeVersion.V1;
                interactions = EnumSet.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE);
            }
            case "*" -> {
                version = ScopeVersion.V1;
                interactions = Interaction.all();
            }
            default -> {
                Optional<Set<Interaction>> letters = v2Letters(permissions);
                if (letters.isEmpty()) {
                    return new UnknownScope(token, "invalid permissions '" + permissions + "'");
                }
                version = ScopeVersion.V2;
                interactions = letters.get();
            }
        }

        List<Restriction> restrictions = List.of();
        if (question >= 0) {
            if (version == ScopeVersion.V1) {
                return new UnknownScope(token, "search restrictions need SMART v2 permissions");
            }
            Optional<List<Restriction>> parsed = restrictions(rawQuery);
            if (parsed.isEmpty()) {
                return new UnknownScope(token, "malformed search restriction");
            }
            restrictions = parsed.get();
        }
        return new ResourceScope(compartment.get(), type, interactions, restrictions, rawQuery, version, token);
    }

    /** {@code cruds} letters: non-empty, each at most once, in that order. */
    private static Optional<Set<Interaction>> v2Letters(String permissions) {
        if (permissions.isEmpty()) {
            return Optional.empty();
        }
        Set<Interaction> result = EnumSet.noneOf(Interaction.class);
        int last = -1;
        for (int i = 0; i < permissions.length(); i++) {
            Optional<Interaction> interaction = Interaction.ofLetter(permissions.charAt(i));
            if (interaction.isEmpty() || interaction.get().ordinal() <= last) {
                return Optional.empty();
            }
            last = interaction.get().ordinal();
            result.add(interaction.get());
        }
        return Optional.of(result);
    }

    private static Optional<List<Restriction>> restrictions(String query) {
        if (query.isEmpty()) {
            return Optional.empty();
        }
        List<Restriction> result = new ArrayList<>();
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                return Optional.empty();
            }
            String name = pair.substring(0, eq);
            String rawValue = pair.substring(eq + 1);
            // an unencoded '=' in a value is ambiguous; a scope that may widen access is refused
            if (!PARAMETER.matcher(name).matches() || rawValue.indexOf('=') >= 0) {
                return Optional.empty();
            }
            String value;
            try {
                value = URLDecoder.decode(rawValue, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (value.isBlank()) {
                return Optional.empty();
            }
            result.add(new Restriction(name, value));
        }
        return Optional.of(result);
    }
}
