package org.portico.fhir.authz;

import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * The resources that refer to a given one, looked up in storage: how the authorization rules tell
 * that a Media is part of a DiagnosticReport the token may read ({@link MediaOfReportTester}).
 */
@FunctionalInterface
public interface Referrers {

    /** At most this many referrers are looked at per lookup. */
    int MAX = 50;

    /**
     * The current versions of the resources of {@code sourceType} whose search parameter
     * {@code searchParam} refers to {@code target}, at most {@link #MAX}; never null.
     */
    List<IBaseResource> of(String sourceType, String searchParam, IIdType target);
}
