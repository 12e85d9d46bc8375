package org.portico.smart.scope;

import java.util.Locale;
import java.util.Optional;

/** The context a resource scope applies to: {@code patient/}, {@code user/} or {@code system/}. */
public enum Compartment {
    PATIENT,
    USER,
    SYSTEM;

    public String prefix() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Compartment> ofPrefix(String prefix) {
        for (Compartment c : values()) {
            if (c.prefix().equals(prefix)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
