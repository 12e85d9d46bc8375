package org.portico.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * What a browser tab or an app holds: an HTTP client with its own cookie jar that never follows
 * redirects by itself, so that each step of a launch can be seen and checked.
 */
public final class HttpSession {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);

    private final HttpClient client;

    /** A session that validates certificates with the JVM's default trust store. */
    public HttpSession() {
        this(Deployment.defaultSslContext());
    }

    /** A session that validates certificates with {@code sslContext} (see {@link Deployment#sslContext()}). */
    public HttpSession(SSLContext sslContext) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(sslContext)
                .followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** GET with optional header name/value pairs. */
    public Response get(URI uri, String... headers) {
        return send(request(uri, headers).GET().build());
    }

    /** GET with {@code Authorization: Bearer <token>} and optional header name/value pairs. */
    public Response getWithToken(URI uri, String accessToken, String... headers) {
        return send(request(uri, headers).header("Authorization", "Bearer " + accessToken).GET().build());
    }

    /** POST of an {@code application/x-www-form-urlencoded} body, with optional header name/value pairs. */
    public Response postForm(URI uri, Map<String, String> form, String... headers) {
        return postForm(uri, formEncode(form), headers);
    }

    /** POST of an already encoded form body (a form may repeat a field name). */
    public Response postForm(URI uri, String encodedForm, String... headers) {
        return send(request(uri, headers)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encodedForm))
                .build(), encodedForm);
    }

    /** Sends a request without a body, or one whose body the report need not show. */
    public Response send(HttpRequest request) {
        return send(request, null);
    }

    /** Sends {@code request}; {@code body} is the text of its body, for the {@link ExchangeLog} (redacted there). */
    public Response send(HttpRequest request, String body) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            ExchangeLog.record(request.method(), request.uri(), request.headers(), body, response.statusCode(),
                    response.headers(), response.body(), null);
            return new Response(request.method(), request.uri(), response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            ExchangeLog.record(request.method(), request.uri(), request.headers(), body, -1, null, null, e.toString());
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + request.method() + " " + request.uri(), e);
        }
    }

    /** A request builder with the suite's timeout and the given header name/value pairs. */
    public static HttpRequest.Builder request(URI uri, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name/value pairs");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    public static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
