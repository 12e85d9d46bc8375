package org.portico.smart.scope;

/** Which SMART syntax a resource scope was written in. */
public enum ScopeVersion {
    /** SMART 1: {@code .read}, {@code .write}, {@code .*}. */
    V1,
    /** SMART 2: {@code .cruds} letters, optionally with {@code ?param=value} restrictions. */
    V2
}
