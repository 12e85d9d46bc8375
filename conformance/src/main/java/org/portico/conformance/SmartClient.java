package org.portico.conformance;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A SMART app's view of a deployment: discovery, standalone launch with PKCE (the browser part played
 * by {@link LoginDriver}), the token endpoint, and FHIR requests with a Bearer token.
 */
public final class SmartClient {

    private final URI fhirBase;
    private final LoginDriver loginDriver;
    private final HttpSession http = new HttpSession();
    private SmartDiscovery discovery;

    public SmartClient(URI fhirBase) {
        this(fhirBase, new LoginDriver());
    }

    public SmartClient(URI fhirBase, LoginDriver loginDriver) {
        String base = fhirBase.toString();
        this.fhirBase = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.loginDriver = loginDriver;
    }

    public URI fhirBase() {
        return fhirBase;
    }

    public HttpSession http() {
        return http;
    }

    /** {@code {fhirBase}/{path}}; the path may carry a query. */
    public URI fhirUri(String path) {
        return URI.create(fhirBase + "/" + path);
    }

    /** The discovery document, fetched once. */
    public synchronized SmartDiscovery discovery() {
        if (discovery == null) {
            Response response = http.get(fhirUri(".well-known/smart-configuration"), "Accept", "application/json");
            if (response.status() != 200) {
                throw new IllegalStateException("Discovery failed: " + response);
            }
            discovery = new SmartDiscovery(response.json());
        }
        return discovery;
    }

    /** A well-formed authorization request for a standalone launch, with a fresh state and PKCE pair. */
    public AuthorizationRequest authorizationRequest(ClientRegistration client, String scope, Pkce pkce) {
        return AuthorizationRequest.standalone(
                discovery().authorizationEndpoint(), client.clientId(), client.redirectUri(), scope, fhirBase, pkce);
    }

    /** A standalone launch in a fresh browser session: authorize, log in, approve everything, exchange the code. */
    public Launch launch(ClientRegistration client, Credentials user, String scope) {
        Pkce pkce = Pkce.generate();
        AuthorizationRequest request = authorizationRequest(client, scope, pkce);
        AuthorizationOutcome outcome = loginDriver.authorize(new HttpSession(), request, user);
        Response tokenExchange = outcome.code()
                .map(code -> exchangeCode(client, code, request.redirectUri(), pkce.verifier()))
                .orElse(null);
        return new Launch(request, pkce, outcome, tokenExchange);
    }

    /** Runs the browser part only, in a fresh browser session. */
    public AuthorizationOutcome authorize(AuthorizationRequest request, Credentials user) {
        return loginDriver.authorize(new HttpSession(), request, user);
    }

    /** The authorization_code grant (RFC 6749 §4.1.3 with RFC 7636 §4.5), with optional extra header pairs. */
    public Response exchangeCode(ClientRegistration client, String code, String redirectUri, String verifier, String... headers) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        return tokenRequest(client, form, headers);
    }

    /** A token endpoint request authenticated as the client: HTTP Basic when it has a secret, else client_id in the body. */
    public Response tokenRequest(ClientRegistration client, Map<String, String> form, String... headers) {
        Map<String, String> body = new LinkedHashMap<>(form);
        String[] allHeaders = headers;
        if (client.isPublic()) {
            body.put("client_id", client.clientId());
        } else {
            String basic = Base64.getEncoder().encodeToString(
                    (HttpSession.encode(client.clientId()) + ":" + HttpSession.encode(client.clientSecret()))
                            .getBytes(StandardCharsets.UTF_8));
            allHeaders = append(headers, "Authorization", "Basic " + basic);
        }
        return http.postForm(discovery().tokenEndpoint(), body, append(allHeaders, "Accept", "application/json"));
    }

    /** GET {fhirBase}/{path} with the access token and optional header pairs. */
    public Response read(String path, String accessToken, String... headers) {
        return http.getWithToken(fhirUri(path), accessToken, append(headers, "Accept", "application/fhir+json"));
    }

    private static String[] append(String[] headers, String name, String value) {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = name;
        all[headers.length + 1] = value;
        return all;
    }
}
