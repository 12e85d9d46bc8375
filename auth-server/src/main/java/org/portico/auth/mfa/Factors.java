package org.portico.auth.mfa;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * The factors a sign-in has shown, as authorities of the session's {@link Authentication} (ADR 0018):
 * {@link #PASSWORD} after the login form, {@link #MFA} once a second factor (TOTP, recovery code, passkey,
 * or a remembered device) was shown too.
 */
public final class Factors {

    public static final String PASSWORD = "FACTOR_PASSWORD";
    public static final String MFA = "FACTOR_MFA";
    public static final String PASSKEY = "FACTOR_PASSKEY";

    private static final SecurityContextRepository CONTEXTS = new HttpSessionSecurityContextRepository();

    private Factors() {}

    public static boolean has(Authentication authentication, String factor) {
        return authentication != null && authentication.isAuthenticated()
                && authentication.getAuthorities().stream().anyMatch(a -> factor.equals(a.getAuthority()));
    }

    /** The same authentication with {@code factor} added. */
    public static Authentication with(Authentication authentication, String factor) {
        List<GrantedAuthority> authorities = new ArrayList<>(authentication.getAuthorities());
        if (authorities.stream().noneMatch(a -> factor.equals(a.getAuthority()))) {
            authorities.add(new SimpleGrantedAuthority(factor));
        }
        UsernamePasswordAuthenticationToken upgraded =
                UsernamePasswordAuthenticationToken.authenticated(authentication.getPrincipal(), null, authorities);
        upgraded.setDetails(authentication.getDetails());
        return upgraded;
    }

    /**
     * A passkey sign-in as the session keeps it: Spring's {@code UsernamePasswordAuthenticationToken} with
     * {@link #MFA} (a passkey is something the user has, unlocked by something they know or are), so that
     * Spring Authorization Server stores it with a grant like any other sign-in.
     */
    public static void fromPasskey(HttpServletRequest request, HttpServletResponse response, Authentication passkey) {
        List<GrantedAuthority> authorities = new ArrayList<>(passkey.getAuthorities());
        authorities.add(new SimpleGrantedAuthority(PASSKEY));
        authorities.add(new SimpleGrantedAuthority(MFA));
        User principal = new User(passkey.getName(), "", passkey.getAuthorities());
        principal.eraseCredentials();
        UsernamePasswordAuthenticationToken session = UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities);
        session.setDetails(new WebAuthenticationDetails(request));
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(session);
        SecurityContextHolder.setContext(context);
        CONTEXTS.saveContext(context, request, response);
    }

    /**
     * Records in the session that the signed-in user showed a second factor, under a new session id (the
     * session now grants more than the one an attacker might have fixed).
     */
    public static void completeMfa(HttpServletRequest request, HttpServletResponse response) {
        Authentication current = SecurityContextHolder.getContext().getAuthentication();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(with(current, MFA));
        SecurityContextHolder.setContext(context);
        request.changeSessionId();
        CONTEXTS.saveContext(context, request, response);
    }
}
