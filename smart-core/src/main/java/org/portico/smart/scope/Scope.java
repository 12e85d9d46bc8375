package org.portico.smart.scope;

/**
 * One parsed SMART scope. Every scope keeps the string the client sent ({@link #original()}) and
 * gives its SMART v2 form ({@link #normalized()}). The set is closed: a resource scope, one of the
 * fixed launch/identity/refresh scopes, or an unknown scope that grants nothing.
 */
public sealed interface Scope permits ResourceScope, StandardScope, UnknownScope {

    /** The scope exactly as the client wrote it. */
    String original();

    /** The SMART v2 form; for an unknown scope, the original. */
    String normalized();

    /** Whether this scope was understood; an unknown scope must never grant anything. */
    default boolean isKnown() {
        return !(this instanceof UnknownScope);
    }
}
