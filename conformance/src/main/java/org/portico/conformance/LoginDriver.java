package org.portico.conformance;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.FormElement;

/**
 * Plays the user's browser through an authorization request: follows redirects, fills in the login
 * form, approves the consent form, and stops at the redirect to the client's redirect_uri (read from
 * the {@code Location} header, so no listener is needed). It also stops at any page it does not
 * recognise, at a redirect that leaves the authorization server, or when a form comes back after it
 * was submitted (a rejected login).
 */
public final class LoginDriver {

    private static final int MAX_STEPS = 20;
    private static final Pattern DENY = Pattern.compile("(?i)deny|cancel|reject|decline|refuse");
    private static final Pattern CODE_PARAM = Pattern.compile("([?&]code=)[^&]*");

    private final LoginForms forms;

    public LoginDriver() {
        this(LoginForms.defaults());
    }

    public LoginDriver(LoginForms forms) {
        this.forms = forms;
    }

    /** Logs in and approves every scope offered. */
    public AuthorizationOutcome authorize(HttpSession session, AuthorizationRequest request, Credentials user) {
        return authorize(session, request, user, Set.of());
    }

    /** Logs in and approves the consent form with the checkboxes of {@code untick} cleared. */
    public AuthorizationOutcome authorize(
            HttpSession session, AuthorizationRequest request, Credentials user, Set<String> untick) {
        URI start = request.toUri();
        List<String> trail = new ArrayList<>();
        boolean loggedIn = false;
        boolean consented = false;
        Response response = session.get(start);
        for (int step = 0; step < MAX_STEPS; step++) {
            trail.add(redactCode(response.describe()));
            if (response.isRedirect()) {
                URI location = response.location().orElseThrow();
                boolean toClient = isRedirectUri(location, request.redirectUri());
                if (toClient || !sameOrigin(location, start)) {
                    trail.add("-> " + redactCode(location.toString()));
                    return new AuthorizationOutcome(location, toClient, response, trail);
                }
                response = session.get(location);
                continue;
            }
            if (response.status() != 200 || !response.contentType().startsWith("text/html")) {
                return stopped(response, trail);
            }
            Document page = Jsoup.parse(response.body(), response.uri().toString());
            Optional<HtmlForm> login = form(page, forms.loginForm(), response.uri());
            Optional<HtmlForm> consent = form(page, forms.consentForm(), response.uri());
            if (login.isPresent() && !loggedIn) {
                loggedIn = true;
                response = submitLogin(session, login.get(), user);
            } else if (consent.isPresent() && !consented) {
                consented = true;
                response = submitConsent(session, consent.get(), untick);
            } else {
                return stopped(response, trail);
            }
        }
        trail.add("(gave up after " + MAX_STEPS + " steps)");
        return stopped(response, trail);
    }

    /**
     * Opens a page that needs a signed-in user (e.g. the patient's account pages): follows redirects on
     * the same origin, signs in once when the login form comes, and returns the first other answer
     * (normally the page itself, 200).
     */
    public Response open(HttpSession session, URI page, Credentials user) {
        boolean loggedIn = false;
        Response response = session.get(page);
        for (int step = 0; step < MAX_STEPS; step++) {
            if (response.isRedirect()) {
                URI location = response.location().orElseThrow();
                if (!sameOrigin(location, page)) {
                    return response;
                }
                response = session.get(location);
                continue;
            }
            if (response.status() != 200 || !response.contentType().startsWith("text/html")) {
                return response;
            }
            Optional<HtmlForm> login = form(Jsoup.parse(response.body(), response.uri().toString()), forms.loginForm(), response.uri());
            if (login.isEmpty() || loggedIn) {
                return response;
            }
            loggedIn = true;
            response = submitLogin(session, login.get(), user);
        }
        return response;
    }

    private Response submitLogin(HttpSession session, HtmlForm form, Credentials user) {
        Element submitter = form.submitButtons().stream().findFirst().orElse(null);
        var entries = form.entries(submitter, control -> false,
                Map.of(forms.usernameField(), user.username(), forms.passwordField(), user.password()));
        return submit(session, form, entries);
    }

    private Response submitConsent(HttpSession session, HtmlForm form, Set<String> untick) {
        Element approve = approveButton(form);
        var entries = form.entries(approve,
                control -> control.attr("name").equals(forms.scopeField())
                        && control.attr("type").equalsIgnoreCase("checkbox")
                        && untick.contains(control.val()),
                Map.of());
        return submit(session, form, entries);
    }

    private Element approveButton(HtmlForm form) {
        if (forms.approveButton() != null) {
            Element button = form.form().selectFirst(forms.approveButton());
            if (button == null) {
                throw new IllegalStateException("No approve button '" + forms.approveButton() + "' on " + form.page());
            }
            return button;
        }
        return form.submitButtons().stream()
                .filter(b -> !DENY.matcher(b.attr("name") + " " + b.val() + " " + b.id() + " " + b.text()).find())
                .findFirst()
                .orElse(null);
    }

    private static Response submit(HttpSession session, HtmlForm form, List<Map.Entry<String, String>> entries) {
        String body = HtmlForm.encode(entries);
        if (form.method().equals("POST")) {
            return session.postForm(form.action(), body);
        }
        String action = form.action().toString();
        int hash = action.indexOf('#');
        if (hash >= 0) {
            action = action.substring(0, hash);
        }
        return session.get(URI.create(action + (action.contains("?") ? "&" : "?") + body));
    }

    private static Optional<HtmlForm> form(Document page, String selector, URI uri) {
        Element element = page.selectFirst(selector);
        return element instanceof FormElement ? Optional.of(new HtmlForm(element, uri)) : Optional.empty();
    }

    private static AuthorizationOutcome stopped(Response response, List<String> trail) {
        return new AuthorizationOutcome(null, false, response, trail);
    }

    /** Same scheme, host, port and path as the redirect_uri sent (its query, if any, is the client's). */
    private static boolean isRedirectUri(URI location, String redirectUri) {
        if (redirectUri == null) {
            return false;
        }
        URI expected = URI.create(redirectUri);
        return location.getScheme() != null
                && location.getScheme().equalsIgnoreCase(expected.getScheme())
                && String.valueOf(location.getHost()).equalsIgnoreCase(String.valueOf(expected.getHost()))
                && port(location) == port(expected)
                && normalisedPath(location).equals(normalisedPath(expected));
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && String.valueOf(a.getHost()).toLowerCase(Locale.ROOT).equals(String.valueOf(b.getHost()).toLowerCase(Locale.ROOT))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String normalisedPath(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static String redactCode(String text) {
        return CODE_PARAM.matcher(text).replaceAll("$1<redacted>");
    }
}
