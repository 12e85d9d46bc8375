package org.portico.smart.scope;

import java.util.Objects;

/** A scope string we do not understand, with the reason. It grants nothing and is dropped. */
public record UnknownScope(String original, String reason) implements Scope {

    public UnknownScope {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String normalized() {
        return original;
    }
}
