package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * A browser stand-in for the integration tests: one cookie jar, redirects followed by hand so that
 * every status and {@code Location} can be checked, pages parsed with jsoup.
 */
final class SmartTestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    final URI base;
    private final HttpClient http;

    SmartTestClient(int port) {
        this.base = URI.create("http://localhost:" + port);
        this.http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** PKCE pair (RFC 7636): a random verifier and its S256 challenge. */
    record Pkce(String verifier, String challenge) {
        static Pkce create() {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String randomState() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(base.resolve(uri)).header("Accept", "text/html").GET().build());
    }

    HttpResponse<String> postForm(URI uri, Map<String, List<String>> form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(uri))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json, text/html")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        headers.forEach(request::header);
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI authorizeUri(Map<String, String> params) {
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return base.resolve("/oauth2/authorize?" + query);
    }

    /** Fills and posts the login form; returns the response to the POST. */
    HttpResponse<String> login(String username, String password) {
        HttpResponse<String> page = get(URI.create("/login"));
        assertThat(page.statusCode()).isEqualTo(200);
        Document doc = Jsoup.parse(page.body());
        Element form = doc.selectFirst("form#login-form");
        assertThat(form).isNotNull();
        Map<String, List<String>> fields = hiddenFields(form);
        fields.put("username", List.of(username));
        fields.put("password", List.of(password));
        return postForm(URI.create(form.attr("action")), fields, Map.of());
    }

    /** The consent page for the given request, from the /authorize response after login. */
    Document followToConsent(HttpResponse<String> response) {
        HttpResponse<String> current = response;
        for (int i = 0; i < 5 && current.statusCode() == 302; i++) {
            URI location = URI.create(current.headers().firstValue("Location").orElseThrow());
            if (location.getPath().equals("/oauth2/consent")) {
                HttpResponse<String> page = get(location);
                assertThat(page.statusCode()).isEqualTo(200);
                return Jsoup.parse(page.body(), base.toString());
            }
            current = get(location);
        }
        throw new AssertionError("no consent page; last status " + current.statusCode() + " " + current.headers().map());
    }

    /** Posts the consent form with every scope checkbox ticked except {@code untick}. */
    HttpResponse<String> approve(Document consent, Set<String> untick) {
        Element form = consent.selectFirst("form#consent-form");
        assertThat(form).isNotNull();
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (Element input : form.select("input")) {
            String type = input.attr("type");
            if (type.equals("checkbox") && untick.contains(input.val())) {
                continue;
            }
            fields.computeIfAbsent(input.attr("name"), k -> new ArrayList<>()).add(input.val());
        }
        return postForm(URI.create(form.attr("action")), fields, Map.of());
    }

    HttpResponse<String> deny(Document consent) {
        Element form = consent.selectFirst("form#deny-form");
        assertThat(form).isNotNull();
        return postForm(URI.create(form.attr("action")), hiddenFields(form), Map.of());
    }

    private static Map<String, List<String>> hiddenFields(Element form) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[type=hidden]")) {
            fields.computeIfAbsent(input.attr("name"), k -> new ArrayList<>()).add(input.val());
        }
        return fields;
    }

    static Map<String, String> queryOf(URI uri) {
        Map<String, String> result = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                result.put(name, value);
            }
        }
        return result;
    }

    static Map<String, Object> json(String body) {
        try {
            return JSON.readValue(body, new TypeReference<>() {});
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    static String encode(Map<String, List<String>> form) {
        return form.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v ->
                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)))
                .collect(Collectors.joining("&"));
    }

    static Map<String, List<String>> form(String... namesAndValues) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>()).add(namesAndValues[i + 1]);
        }
        return form;
    }
}
