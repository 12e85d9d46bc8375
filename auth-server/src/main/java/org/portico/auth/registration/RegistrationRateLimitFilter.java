package org.portico.auth.registration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits registration requests per client IP address with a token bucket kept in Caffeine (idle
 * buckets are full, so they are dropped after one period). Behind a proxy, set Spring Boot's
 * {@code server.forward-headers-strategy} so that the remote address is the client's. Over the
 * limit: 429 with {@code Retry-After} and OAuth error JSON.
 */
final class RegistrationRateLimitFilter extends OncePerRequestFilter {

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final RegistrationSettings.RateLimit limit;
    private final Cache<String, TokenBucket> buckets;
    private final ObjectMapper json = new ObjectMapper();

    RegistrationRateLimitFilter(RegistrationSettings.RateLimit limit) {
        this.limit = limit;
        this.buckets = Caffeine.newBuilder()
                .expireAfterAccess(limit.period())
                .maximumSize(100_000)
                .build();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        Duration wait = buckets.get(address, a -> new TokenBucket(limit.requests(), limit.period(), System::nanoTime)).tryTake();
        if (wait.isZero()) {
            chain.doFilter(request, response);
            return;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        decisions.info("registration rate limit: {} {} refused for {} s", request.getMethod(), request.getRequestURI(), seconds);
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ClientRegistrationController.errorBody("temporarily_unavailable",
                "too many registration requests from this address; retry after " + seconds + " seconds"));
    }
}
