package org.portico.auth.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request whose parameter names or values (query or form body) hold a control character
 * other than tab, CR and LF, with 400 and RFC 6749 error JSON ({@code invalid_request}). No OAuth or
 * login parameter may hold one (RFC 6749 Appendix A), and PostgreSQL cannot compare text with NUL: a
 * refresh token {@code %00} reached the authorization lookup and came back as a 500 (found by the
 * conformance kit's robustness probe {@code PROBE-OAUTH-07}). Runs before Spring Security, so every
 * endpoint is covered.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class ControlCharacterFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ControlCharacterFilter.class);
    static final String BODY = "{\"error\":\"invalid_request\",\"error_description\":"
            + "\"a request parameter contains a control character\"}";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (hasControlCharacter(request.getParameterMap())) {
            log.info("{} {} refused: a parameter holds a control character", request.getMethod(), request.getRequestURI());
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream().write(BODY.getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean hasControlCharacter(Map<String, String[]> parameters) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (hasControlCharacter(parameter.getKey())) {
                return true;
            }
            for (String value : parameter.getValue()) {
                if (hasControlCharacter(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasControlCharacter(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
