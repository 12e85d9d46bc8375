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

    /** The selectors this driver finds its way with. */
    public LoginForms forms() {
        return forms;
    }

    /** Logs in and approves every scope offered. */
    public AuthorizationOutcome authorize(HttpSession session, AuthorizationRequest request, Credentials user) {
        return authorize(session, request, user, Set.of());
    }

    /** Logs in and approves the consent form with the checkboxes of {@code untick} cleared. */
    public AuthorizationOutcome authorize(
            HttpSession session, AuthorizationRequest request, Credentials user, Set<String> untick) {
        return authorize(session, request, user, Choices.untick(untick));
    }

    /** Sends the request by GET, logs in, answers the patient picker and the consent page as {@code choices} say. */
    public AuthorizationOutcome authorize(
            HttpSession session, AuthorizationRequest request, Credentials user, Choices choices) {
        URI start = request.toUri();
        return run(session, session.get(start), start, request.redirectUri(), user, choices);
    }

    /**
     * Sends the request as an {@code application/x-www-form-urlencoded} POST to the authorization
     * endpoint (SMART capability {@code authorize-post}), then goes on as {@link #authorize}.
     */
    public AuthorizationOutcome authorizeByPost(
            HttpSession session, AuthorizationRequest request, Credentials user, Choices choices) {
        URI endpoint = request.authorizationEndpoint();
        return run(session, session.postForm(endpoint, request.parameters()), endpoint, request.redirectUri(), user, choices);
    }

    /**
     * What the user does on the way.
     *
     * @param untick  values of the consent checkboxes (resource scopes, granular categories, sensitive-data
     *                classes) to clear; every other box is submitted as the page has it, except the
     *                sensitive-data boxes, which are ticked
     * @param patient the patient to choose on the patient picker; null keeps the page's default
     */
    public record Choices(Set<String> untick, String patient) {

        public Choices {
            untick = Set.copyOf(untick);
        }

        public static Choices approveAll() {
            return new Choices(Set.of(), null);
        }

        public static Choices untick(Set<String> untick) {
            return new Choices(untick, null);
        }

        public static Choices pickPatient(String patient) {
            return new Choices(Set.of(), patient);
        }
    }

    private AuthorizationOutcome run(
            HttpSession session, Response first, URI start, String redirectUri, Credentials user, Choices choices) {
        List<String> trail = new ArrayList<>();
        boolean loggedIn = false;
        boolean picked = false;
        boolean consented = false;
        Response response = first;
        for (int step = 0; step < MAX_STEPS; step++) {
            trail.add(redactCode(response.describe()));
            if (response.isRedirect()) {
                URI location = response.location().orElseThrow();
                boolean toClient = isRedirectUri(location, redirectUri);
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
            Optional<HtmlForm> picker = forms.pickerForm() == null
                    ? Optional.empty() : form(page, forms.pickerForm(), response.uri());
            Optional<HtmlForm> consent = form(page, forms.consentForm(), response.uri());
            if (login.isPresent() && !loggedIn) {
                loggedIn = true;
                response = submitLogin(session, login.get(), user);
            } else if (picker.isPresent() && !picked) {
                picked = true;
                response = submitPicker(session, picker.get(), choices.patient());
            } else if (picker.isEmpty() && consent.isPresent() && !consented) {
                consented = true;
                response = submitConsent(session, consent.get(), choices.untick());
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

    private Response submitPicker(HttpSession session, HtmlForm form, String patient) {
        Element submitter = form.submitButtons().stream().findFirst().orElse(null);
        var entries = new ArrayList<>(form.entries(submitter,
                control -> patient != null && control.attr("name").equals(forms.patientField()),
                Map.of()));
        if (patient != null) {
            entries.add(new java.util.AbstractMap.SimpleEntry<>(forms.patientField(), patient));
        }
        return submit(session, form, entries);
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
                control -> (control.attr("name").equals(forms.scopeField())
                                || control.attr("name").equals(forms.granularField())
                                || control.attr("name").equals(forms.sensitiveField()))
                        && control.attr("type").equalsIgnoreCase("checkbox")
                        && untick.contains(control.val()),
                Map.of());
        // sensitive-data boxes may be unticked by default: the user shares them unless told to clear them
        if (forms.sensitiveField() != null) {
            for (Element box : form.form().select("input[type=checkbox][name=" + forms.sensitiveField() + "]")) {
                if (!box.hasAttr("checked") && !box.hasAttr("disabled") && !untick.contains(box.val())) {
                    entries.add(Map.entry(forms.sensitiveField(), box.val()));
                }
            }
        }
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
