package org.portico.auth.smart;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.http.HttpMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.savedrequest.SimpleSavedRequest;
import org.springframework.security.web.util.UrlUtils;

/**
 * Remembers the authorization request while the user signs in, for GET as Spring Security always
 * does, and for form POST too ({@code authorize-post}, which SMART 2 EHR launches use), which Spring
 * would lose at the login page. A POSTed request is remembered as the equivalent GET URL (its form
 * parameters in the query, plus Spring's {@code continue} marker), so that after login the browser
 * comes back with a GET that SAS handles like any other and that removes the saved request.
 */
public final class AuthorizationRequestCache implements RequestCache {

    /** Where {@link HttpSessionRequestCache} keeps the saved request (its default attribute name). */
    private static final String SAVED_REQUEST = "SPRING_SECURITY_SAVED_REQUEST";
    private static final String CONTINUE = "continue";

    private final HttpSessionRequestCache delegate = new HttpSessionRequestCache();

    public static RequestCache create() {
        return new AuthorizationRequestCache();
    }

    @Override
    public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
        if (!HttpMethod.POST.matches(request.getMethod())
                || !AuthEndpoints.AUTHORIZATION_PATH.equals(request.getServletPath())
                || request.getParameter(OAuth2ParameterNames.RESPONSE_TYPE) == null) {
            delegate.saveRequest(request, response);
            return;
        }
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            if (parameter.getKey().equals(CONTINUE)) {
                continue;
            }
            for (String value : parameter.getValue()) {
                pairs.add(encode(parameter.getKey()) + "=" + encode(value));
            }
        }
        pairs.add(CONTINUE);
        String url = UrlUtils.buildFullRequestUrl(request.getScheme(), request.getServerName(), request.getServerPort(),
                request.getRequestURI(), String.join("&", pairs));
        request.getSession().setAttribute(SAVED_REQUEST, new SimpleSavedRequest(url));
    }

    @Override
    public SavedRequest getRequest(HttpServletRequest request, HttpServletResponse response) {
        return delegate.getRequest(request, response);
    }

    @Override
    public HttpServletRequest getMatchingRequest(HttpServletRequest request, HttpServletResponse response) {
        return delegate.getMatchingRequest(request, response);
    }

    @Override
    public void removeRequest(HttpServletRequest request, HttpServletResponse response) {
        delegate.removeRequest(request, response);
    }

    private static String encode(String s) {
        // %20 rather than '+': SAS decodes the query as a URI, not as a form
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
