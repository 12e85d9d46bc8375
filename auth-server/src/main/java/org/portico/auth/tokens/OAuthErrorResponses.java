package org.portico.auth.tokens;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * RFC 6749 section 5.2 error JSON on the token, introspection and revocation endpoints, with the status the
 * checklist asks for: 401 for {@code invalid_client}, 400 for everything else, never 403.
 * <ul>
 * <li>As entry point: a request with no client authentication at all, where Spring Security would answer
 *     with an empty body or a login redirect.</li>
 * <li>As failure handler: SAS's endpoint errors, which it always sends as 400, also for {@code invalid_client}
 *     (a request that carries a login session but no client authentication).</li>
 * </ul>
 */
public final class OAuthErrorResponses implements AuthenticationEntryPoint, AuthenticationFailureHandler {

    private static final Set<String> PATHS = Set.of(
            AuthEndpoints.TOKEN_PATH, AuthEndpoints.INTROSPECTION_PATH, AuthEndpoints.REVOCATION_PATH);
    private static final String RFC6749_5_2 = "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2";

    private final OAuth2ErrorHttpMessageConverter json = new OAuth2ErrorHttpMessageConverter();

    /** The endpoints this entry point answers for. */
    public static RequestMatcher clientAuthenticatedEndpoints() {
        return request -> PATHS.contains(request.getServletPath());
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        write(response, new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "client authentication is required", RFC6749_5_2));
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth
                ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, null, RFC6749_5_2);
        write(response, error);
    }

    private void write(HttpServletResponse response, OAuth2Error error) throws IOException {
        ServletServerHttpResponse out = new ServletServerHttpResponse(response);
        out.setStatusCode(OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode()) ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST);
        out.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
        out.getHeaders().set(HttpHeaders.PRAGMA, "no-cache");
        json.write(error, MediaType.APPLICATION_JSON, out);
    }
}
