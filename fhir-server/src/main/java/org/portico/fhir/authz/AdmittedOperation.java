package org.portico.fhir.authz;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * A server operation that decides its own admission from the token (the ingest and source
 * administration operations, ADR 0017), before HAPI's rules run. {@link ScopeAuthorizationInterceptor}
 * asks {@link #admit}; once admitted, the only rule of the request allows that operation on the server.
 */
public interface AdmittedOperation {

    /** Whether the request is one of this operation's. */
    boolean handles(RequestDetails request);

    /** Throws the answer (403) when the token may not call the operation. */
    void admit(RequestDetails request);
}
