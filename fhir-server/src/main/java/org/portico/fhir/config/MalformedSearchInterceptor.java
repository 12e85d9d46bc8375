package org.portico.fhir.config;

import ca.uhn.fhir.context.ConfigurationException;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAPI 8.8 answers some malformed search parameter values with a 500 (a composite value without
 * its {@code $} part, a chain through a canonical element, a {@code near} that is no position): a null pointer or a configuration
 * error while it builds the query (on its search thread, only the message survives: a null-pointer
 * text or {@code HAPI-1246}). Bad input gets a 400 OperationOutcome here, never a 500; the
 * cause is logged so that a real server fault stays visible.
 */
@Interceptor
final class MalformedSearchInterceptor {

    private static final Logger log = LoggerFactory.getLogger(MalformedSearchInterceptor.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException badSearchInput(RequestDetails request, Throwable exception) {
        if (request == null || request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
            return null;
        }
        if (exception instanceof BaseServerResponseException e && e.getStatusCode() < 500) {
            return null;
        }
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // a search run on HAPI's search thread comes back as a message only
        String message = String.valueOf(root.getMessage());
        // HAPI-1246: a chain through a canonical element; HAPI-1230: a Location 'near' value that is no position
        boolean knownInputFailure = message.startsWith("Cannot invoke ") || message.startsWith("HAPI-1246:")
                || message.startsWith("HAPI-1230:");
        if (root instanceof NullPointerException || root instanceof IllegalArgumentException
                || root instanceof ConfigurationException || root instanceof DataFormatException || knownInputFailure) {
            log.warn("search on {} failed on its input, answered 400: {}", request.getResourceName(), root.toString());
            return new InvalidRequestException("Invalid search: a search parameter or its value could not be processed");
        }
        return null;
    }
}
