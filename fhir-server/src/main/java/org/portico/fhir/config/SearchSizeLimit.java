package org.portico.fhir.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a request with more than {@value #MAX_PARAMETER_VALUES} parameter values (a name repeated
 * counts once per value) with a 400 OperationOutcome. HAPI's JPA search turns every AND-ed value into
 * a join; found by the conformance kit's robustness probe {@code PROBE-SIZE-03}: 500 repetitions of
 * {@code code=1} built a 500-join query that PostgreSQL was still planning minutes later, holding a
 * connection and a core (a cheap denial of service, and a 500 when it was cancelled). Real searches
 * (US Core, Inferno's) use fewer than ten; OR lists inside one value ({@code code=a,b,c}) are not
 * limited here.
 */
@Interceptor
final class SearchSizeLimit {

    static final int MAX_PARAMETER_VALUES = 50;

    private static final Logger log = LoggerFactory.getLogger(SearchSizeLimit.class);

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean limit(RequestDetails request) {
        Map<String, String[]> parameters = request.getParameters();
        if (parameters == null) {
            return true;
        }
        int values = 0;
        for (String[] v : parameters.values()) {
            values += v == null ? 0 : v.length;
        }
        if (values > MAX_PARAMETER_VALUES) {
            log.info("request with {} parameter values refused (limit {})", values, MAX_PARAMETER_VALUES);
            throw new InvalidRequestException("Too many search parameters: " + values + " values, at most "
                    + MAX_PARAMETER_VALUES + " are accepted in one request");
        }
        return true;
    }
}
