package org.portico.auth.session;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a signed-in session a fixed time after sign-in, however busy it is (the idle timeout is Spring
 * Session's {@code maxInactiveInterval}). The first request that sees the session signed in notes the
 * time in the session; past the absolute timeout the session is invalidated and the browser sent to the
 * login page.
 */
public final class AbsoluteSessionTimeout extends OncePerRequestFilter {

    static final String SIGNED_IN_AT = AbsoluteSessionTimeout.class.getName() + ".signedInAt";

    private final Clock clock;
    private final Duration absoluteTimeout;

    public AbsoluteSessionTimeout(Clock clock, Duration absoluteTimeout) {
        this.clock = clock;
        this.absoluteTimeout = absoluteTimeout;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (session != null && authentication != null && authentication.isAuthenticated()
                && !"anonymousUser".equals(authentication.getPrincipal())) {
            Instant now = clock.instant();
            Object signedInAt = session.getAttribute(SIGNED_IN_AT);
            if (signedInAt == null) {
                session.setAttribute(SIGNED_IN_AT, now.toEpochMilli());
            } else if (now.isAfter(Instant.ofEpochMilli((Long) signedInAt).plus(absoluteTimeout))) {
                session.invalidate();
                SecurityContextHolder.clearContext();
                response.sendRedirect(request.getContextPath() + "/login?expired");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
