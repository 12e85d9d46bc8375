package org.portico.auth.mfa;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.login.AccountSecurityProperties;
import org.portico.auth.login.KnownBrowsers;
import org.portico.auth.smart.AuthorizationRequestCache;
import org.portico.smart.discovery.AuthEndpoints;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.ScopeParser;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthentication;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The second step of sign-in (ADR 0018), in both the authorization server's and the pages' filter chains,
 * right after the security context is loaded. A session that has shown only a password
 * ({@link Factors#PASSWORD}) for an account with a second factor reaches nothing but the second-step
 * page (and sign-out, styles, errors) until it shows one ({@link Factors#MFA}), or brings a remembered
 * device cookie. An account without a second factor is sent to enrol one before an authorization request
 * that asks for clinical data (resource scopes), when that is required. The request is saved and resumed
 * afterwards, as after the login page.
 */
public final class SecondFactorGate extends OncePerRequestFilter {

    public static final String MFA_PATH = "/login/mfa";
    public static final String ENROL_PATH = "/account/security/totp";

    private static final String PASSKEY_REGISTRATION_PATH = "/webauthn/register";
    private static final String FIRST_PASSKEY = SecondFactorGate.class.getName() + ".firstPasskey";
    private static final Set<String> OPEN = Set.of("/login", MFA_PATH, "/logout", "/error", "/favicon.ico");
    private static final Set<String> OPEN_PREFIXES = Set.of("/css/", "/js/");

    private final UserAccounts users;
    private final SecondFactors factors;
    private final RememberedDevices devices;
    private final KnownBrowsers browsers;
    private final boolean requiredForClinicalData;
    private final RequestCache requests = AuthorizationRequestCache.create();

    public SecondFactorGate(UserAccounts users, SecondFactors factors, RememberedDevices devices, KnownBrowsers browsers,
            AccountSecurityProperties properties) {
        this.users = users;
        this.browsers = browsers;
        this.factors = factors;
        this.devices = devices;
        this.requiredForClinicalData = properties.mfaRequiredForClinicalData();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof WebAuthnAuthentication passkey && passkey.isAuthenticated()) {
            // the request after a passkey sign-in: keep it in the session as a two-factor sign-in
            Factors.fromPasskey(request, response, passkey);
            users.findByUsername(passkey.getName()).ifPresent(user -> browsers.signedIn(request, response, user.id()));
            chain.doFilter(request, response);
            return;
        }
        if (!Factors.has(authentication, Factors.PASSWORD) || Factors.has(authentication, Factors.MFA) || open(request)) {
            chain.doFilter(request, response);
            return;
        }
        Optional<UserAccount> user = users.findByUsername(authentication.getName());
        if (user.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        String userId = user.get().id();
        HttpSession session = request.getSession(false);
        if (factors.hasAny(userId)) {
            if (session != null && Boolean.TRUE.equals(session.getAttribute(FIRST_PASSKEY))) {
                // the passkey registered in this session was the account's first second factor: registering
                // it proved possession of it, as typing the first TOTP code does at enrolment
                session.removeAttribute(FIRST_PASSKEY);
                Factors.completeMfa(request, response);
                chain.doFilter(request, response);
                return;
            }
            if (devices.recognises(request, userId)) {
                Factors.completeMfa(request, response);
                chain.doFilter(request, response);
                return;
            }
            redirectSaving(request, response, MFA_PATH);
            return;
        }
        if ("POST".equals(request.getMethod()) && PASSKEY_REGISTRATION_PATH.equals(request.getServletPath())) {
            // an account without a second factor registers a passkey: set before the registration answers
            // (the answer commits the response); it counts only once the account has a factor
            request.getSession().setAttribute(FIRST_PASSKEY, Boolean.TRUE);
            chain.doFilter(request, response);
            return;
        }
        if (requiredForClinicalData && asksForClinicalData(request) && !ENROL_PATH.equals(request.getServletPath())) {
            redirectSaving(request, response, ENROL_PATH + "?required");
            return;
        }
        chain.doFilter(request, response);
    }

    private void redirectSaving(HttpServletRequest request, HttpServletResponse response, String path) throws IOException {
        if ("GET".equals(request.getMethod()) || AuthEndpoints.AUTHORIZATION_PATH.equals(request.getServletPath())) {
            requests.saveRequest(request, response);
        }
        response.sendRedirect(request.getContextPath() + path);
    }

    private static boolean open(HttpServletRequest request) {
        String path = request.getServletPath();
        return OPEN.contains(path) || OPEN_PREFIXES.stream().anyMatch(path::startsWith);
    }

    /** An authorization request (or its consent form) with at least one FHIR resource scope. */
    static boolean asksForClinicalData(HttpServletRequest request) {
        if (!AuthEndpoints.AUTHORIZATION_PATH.equals(request.getServletPath())) {
            return false;
        }
        String[] scopes = request.getParameterValues("scope");
        if (scopes == null) {
            return false;
        }
        for (String scope : scopes) {
            if (ScopeParser.parseAll(scope).scopes().stream().anyMatch(ResourceScope.class::isInstance)) {
                return true;
            }
        }
        return false;
    }
}
