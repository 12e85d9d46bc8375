package org.portico.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class ClientErrorLogFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger hapi = context.getLogger(ClientErrorLogFilter.HAPI_INTERCEPTOR_SERVICE);
    private final Logger other = context.getLogger("org.portico.fhir.Other");
    private final ClientErrorLogFilter filter = new ClientErrorLogFilter();

    @Test
    void dropsTheExpected401And403FromHapisInterceptorService() {
        assertThat(decide(hapi, new AuthenticationException("no token"))).isEqualTo(FilterReply.DENY);
        assertThat(decide(hapi, new ForbiddenOperationException("no scope"))).isEqualTo(FilterReply.DENY);
    }

    @Test
    void keepsServerErrorsAndOtherLoggers() {
        assertThat(decide(hapi, new InternalErrorException("boom"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(hapi, new IllegalStateException("bug"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(other, new ForbiddenOperationException("no scope"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, hapi, Level.ERROR, "x", null, null)).isEqualTo(FilterReply.NEUTRAL);
    }

    private FilterReply decide(Logger logger, Throwable thrown) {
        // HAPI logs error(format, pointcut, thrown.toString(), thrown): the throwable is the last argument
        return filter.decide(null, logger, Level.ERROR, "Exception thrown by interceptor for pointcut {}: {}",
                new Object[] {"POINTCUT", thrown.toString(), thrown}, null);
    }
}
