package org.portico.auth.login;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.portico.auth.identity.UserAccounts;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/** The login form's success: note the browser ({@link KnownBrowsers}), then go where the sign-in was going, as Spring does. */
public final class NewBrowserSuccessHandler implements AuthenticationSuccessHandler {

    private final AuthenticationSuccessHandler next = new SavedRequestAwareAuthenticationSuccessHandler();
    private final KnownBrowsers browsers;
    private final UserAccounts users;

    public NewBrowserSuccessHandler(KnownBrowsers browsers, UserAccounts users) {
        this.browsers = browsers;
        this.users = users;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException, ServletException {
        users.findByUsername(authentication.getName()).ifPresent(user -> browsers.signedIn(request, response, user.id()));
        next.onAuthenticationSuccess(request, response, authentication);
    }
}
