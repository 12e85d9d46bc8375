package org.portico.fhir.config;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * HAPI's interceptor service logs every exception an interceptor throws at ERROR with a stack
 * trace, including the 401 and 403 answers that Portico's security interceptors give by design. An
 * app probing with a revoked token would fill the log (and burn CPU on stack traces). This drops
 * exactly those events: from HAPI's interceptor service, carrying a FHIR response exception with a
 * status below 500 (the 4xx answers, and the 202 that deleting a finished bulk export answers,
 * ADR 0013). Anything else, including 5xx, is logged as before. Registered in logback-spring.xml.
 */
public final class ClientErrorLogFilter extends TurboFilter {

    static final String HAPI_INTERCEPTOR_SERVICE = "ca.uhn.fhir.interceptor.executor.BaseInterceptorService";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // called for every logging call of the JVM, before its level check: the cheapest test first
        if (level == null || level.levelInt < Level.ERROR_INT || logger == null
                || !HAPI_INTERCEPTOR_SERVICE.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        Throwable thrown = t;
        if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            thrown = last;
        }
        if (thrown instanceof BaseServerResponseException response
                && response.getStatusCode() < 500) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
