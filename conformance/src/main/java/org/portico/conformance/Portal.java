package org.portico.conformance;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.FormElement;

/**
 * The patient's side of the authorization server outside an app's authorization request: the portal's
 * "Launch an app" page (EHR launch) and the connected-apps page with its Revoke buttons. Driven like
 * {@link LoginDriver}: a browser session with its own cookies, logging in when a login form appears.
 */
public final class Portal {

    private static final int MAX_STEPS = 10;

    private final URI issuer;
    private final LoginForms forms;
    private final PortalPages pages;

    public Portal(URI issuer) {
        this(issuer, LoginForms.defaults(), PortalPages.defaults());
    }

    public Portal(URI issuer, LoginForms forms, PortalPages pages) {
        this.issuer = issuer;
        this.forms = forms;
        this.pages = pages;
    }

    public URI launchPage() {
        return issuer.resolve(pages.launchPage());
    }

    public URI appsPage() {
        return issuer.resolve(pages.appsPage());
    }

    /** GETs {@code page}, follows redirects on the server and logs in when asked; returns the page reached. */
    public Response open(HttpSession session, URI page, Credentials user) {
        Response response = session.get(page);
        boolean loggedIn = false;
        for (int step = 0; step < MAX_STEPS; step++) {
            if (response.isRedirect() && sameOrigin(response.location().orElseThrow(), issuer)) {
                response = session.get(response.location().orElseThrow());
                continue;
            }
            if (response.status() != 200 || !response.contentType().startsWith("text/html")) {
                return response;
            }
            Document doc = Jsoup.parse(response.body(), response.uri().toString());
            Element login = doc.selectFirst(forms.loginForm());
            if (login instanceof FormElement && !loggedIn) {
                loggedIn = true;
                HtmlForm form = new HtmlForm(login, response.uri());
                Element submitter = form.submitButtons().stream().findFirst().orElse(null);
                var entries = form.entries(submitter, c -> false,
                        Map.of(forms.usernameField(), user.username(), forms.passwordField(), user.password()));
                response = session.postForm(form.action(), HtmlForm.encode(entries));
                continue;
            }
            return response;
        }
        throw new IllegalStateException("Too many redirects opening " + page + ": " + response);
    }

    /**
     * The EHR launch as the user starts it: signs in on the launch page, chooses the app's
     * {@code #launch-{clientId}} form (with {@code patient} and {@code encounter} when not null) and
     * posts it. Returns the answer: a redirect to the app's launch URL with {@code iss} and {@code launch}.
     */
    public Response launch(HttpSession session, Credentials user, String clientId, String patient, String encounter) {
        Response page = open(session, launchPage(), user);
        HtmlForm form = form(page, pages.launchForm().replace("{client_id}", cssEscape(clientId)))
                .orElseThrow(() -> new IllegalStateException("No launch form for " + clientId + " on " + page));
        Element submitter = form.submitButtons().stream().findFirst().orElse(null);
        List<Map.Entry<String, String>> entries = new ArrayList<>(form.entries(submitter,
                c -> (patient != null && c.attr("name").equals("patient"))
                        || (encounter != null && c.attr("name").equals("encounter")),
                Map.of()));
        if (patient != null) {
            entries.add(Map.entry("patient", patient));
        }
        if (encounter != null) {
            entries.add(Map.entry("encounter", encounter));
        }
        return session.postForm(form.action(), HtmlForm.encode(entries));
    }

    /** Presses Revoke for {@code clientId} on the connected-apps page (with its CSRF token); returns the answer to the POST. */
    public Response revoke(HttpSession session, Credentials user, String clientId) {
        Response page = open(session, appsPage(), user);
        Document doc = Jsoup.parse(page.body(), page.uri().toString());
        for (Element element : doc.select(pages.revokeForm())) {
            Element id = element.selectFirst("input[name=client_id]");
            if (element instanceof FormElement && id != null && id.val().equals(clientId)) {
                HtmlForm form = new HtmlForm(element, page.uri());
                Element submitter = form.submitButtons().stream().findFirst().orElse(null);
                return session.postForm(form.action(), HtmlForm.encode(form.entries(submitter, c -> false, Map.of())));
            }
        }
        throw new IllegalStateException("No Revoke form for " + clientId + " on " + page);
    }

    private static Optional<HtmlForm> form(Response page, String selector) {
        Document doc = Jsoup.parse(page.body(), page.uri().toString());
        Element element = doc.selectFirst(selector);
        return element instanceof FormElement ? Optional.of(new HtmlForm(element, page.uri())) : Optional.empty();
    }

    private static String cssEscape(String id) {
        return id.replaceAll("([^A-Za-z0-9_-])", "\\\\$1");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return String.valueOf(a.getScheme()).equalsIgnoreCase(b.getScheme())
                && String.valueOf(a.getHost()).equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }
}
