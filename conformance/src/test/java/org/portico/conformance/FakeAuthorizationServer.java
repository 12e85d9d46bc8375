package org.portico.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Just enough of an authorization server to drive {@link LoginDriver} in a unit test: a session
 * cookie, a login form with a CSRF token, a consent form with scope checkboxes, and the redirect with
 * a code. It records the forms it receives.
 */
final class FakeAuthorizationServer implements AutoCloseable {

    static final String CODE = "fake-code";
    static final String PASSWORD = "secret";
    static final String UNREGISTERED_REDIRECT = "http://attacker.example/cb";

    private record Session(String csrf, String pendingAuthorization, boolean loggedIn) {}

    private final HttpServer server;
    private final Map<String, Session> sessions = new HashMap<>();
    final List<List<Map.Entry<String, String>>> loginSubmissions = new ArrayList<>();
    final List<List<Map.Entry<String, String>>> consentSubmissions = new ArrayList<>();

    FakeAuthorizationServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/oauth2/authorize", this::authorize);
        server.createContext("/login", this::login);
        server.start();
    }

    URI authorizationEndpoint() {
        return URI.create("http://localhost:" + server.getAddress().getPort() + "/oauth2/authorize");
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private synchronized void authorize(HttpExchange exchange) throws IOException {
        Optional<String> sessionId = sessionId(exchange);
        Session session = sessionId.map(sessions::get).orElse(null);
        if (exchange.getRequestMethod().equals("POST")) {
            List<Map.Entry<String, String>> form = parse(body(exchange));
            consentSubmissions.add(form);
            Map<String, String> pending = map(parse(session.pendingAuthorization()));
            if (!session.csrf().equals(first(form, "_csrf")) || !"approve".equals(first(form, "action"))) {
                redirect(exchange, pending.get("redirect_uri") + "?error=access_denied&state=" + pending.get("state"));
            } else {
                redirect(exchange, pending.get("redirect_uri") + "?code=" + CODE + "&state=" + pending.get("state"));
            }
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> params = map(parse(query));
        if (UNREGISTERED_REDIRECT.equals(params.get("redirect_uri"))) {
            respond(exchange, 400, "<html><body><p>Invalid redirect_uri</p></body></html>");
            return;
        }
        if (!params.containsKey("code_challenge")) {
            redirect(exchange, params.get("redirect_uri") + "?error=invalid_request&state=" + params.get("state"));
            return;
        }
        if (session == null || !session.loggedIn()) {
            String id = UUID.randomUUID().toString();
            sessions.put(id, new Session(UUID.randomUUID().toString(), query, false));
            exchange.getResponseHeaders().add("Set-Cookie", "SESSION=" + id + "; Path=/; HttpOnly");
            redirect(exchange, "/login");
            return;
        }
        StringBuilder checkboxes = new StringBuilder();
        for (String scope : params.get("scope").split(" ")) {
            checkboxes.append("<label><input type=\"checkbox\" name=\"scope\" value=\"").append(scope)
                    .append("\" checked> ").append(scope).append("</label>\n");
        }
        // sensitive-data classes, unticked by default as Portico's consent page has them
        for (String sensitive : List.of("PSY", "SUD")) {
            checkboxes.append("<label><input type=\"checkbox\" name=\"sensitive_class\" value=\"").append(sensitive)
                    .append("\"> ").append(sensitive).append("</label>\n");
        }
        respond(exchange, 200, """
                <html><body><h1>Allow access?</h1>
                <form method="post" action="/oauth2/authorize">
                  <input type="hidden" name="client_id" value="%s">
                  <input type="hidden" name="state" value="%s">
                  <input type="hidden" name="_csrf" value="%s">
                  %s
                  <button type="submit" name="action" value="deny" id="cancel">Deny</button>
                  <button type="submit" name="action" value="approve">Approve</button>
                </form></body></html>
                """.formatted(params.get("client_id"), params.get("state"), session.csrf(), checkboxes));
    }

    private synchronized void login(HttpExchange exchange) throws IOException {
        String id = sessionId(exchange).orElse(null);
        Session session = id == null ? null : sessions.get(id);
        if (session == null) {
            respond(exchange, 403, "no session");
            return;
        }
        if (exchange.getRequestMethod().equals("POST")) {
            List<Map.Entry<String, String>> form = parse(body(exchange));
            loginSubmissions.add(form);
            if (session.csrf().equals(first(form, "_csrf")) && PASSWORD.equals(first(form, "password"))) {
                sessions.put(id, new Session(session.csrf(), session.pendingAuthorization(), true));
                redirect(exchange, "/oauth2/authorize?" + session.pendingAuthorization());
            } else {
                redirect(exchange, "/login?error");
            }
            return;
        }
        respond(exchange, 200, """
                <html><body>
                <form method="post" action="/login">
                  <input type="text" name="username">
                  <input type="password" name="password">
                  <input type="checkbox" name="remember-me">
                  <input type="hidden" name="_csrf" value="%s">
                  <button type="submit">Sign in</button>
                </form></body></html>
                """.formatted(session.csrf()));
    }

    private static Optional<String> sessionId(HttpExchange exchange) {
        String cookies = exchange.getRequestHeaders().getFirst("Cookie");
        if (cookies == null) {
            return Optional.empty();
        }
        for (String cookie : cookies.split(";\\s*")) {
            if (cookie.startsWith("SESSION=")) {
                return Optional.of(cookie.substring("SESSION=".length()));
            }
        }
        return Optional.empty();
    }

    private static String body(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    static List<Map.Entry<String, String>> parse(String encoded) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        if (encoded == null || encoded.isEmpty()) {
            return entries;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            entries.add(new SimpleEntry<>(
                    URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
        }
        return entries;
    }

    private static Map<String, String> map(List<Map.Entry<String, String>> entries) {
        Map<String, String> map = new HashMap<>();
        entries.forEach(e -> map.putIfAbsent(e.getKey(), e.getValue()));
        return map;
    }

    static String first(List<Map.Entry<String, String>> entries, String name) {
        return entries.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private static void respond(HttpExchange exchange, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html;charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
