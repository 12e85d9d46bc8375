package org.portico.conformance;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A SMART app's view of a deployment: discovery, standalone launch with PKCE (the browser part played
 * by {@link LoginDriver}), the token endpoint, and FHIR requests with a Bearer token.
 */
public final class SmartClient {

    private final URI fhirBase;
    private final LoginDriver loginDriver;
    private final SSLContext sslContext;
    private final HttpSession http;
    private final PortalPages portalPages;
    private SmartDiscovery discovery;

    public SmartClient(URI fhirBase, SSLContext sslContext) {
        this(fhirBase, new LoginDriver(), sslContext, PortalPages.defaults());
    }

    public SmartClient(URI fhirBase, LoginDriver loginDriver, SSLContext sslContext, PortalPages portalPages) {
        String base = fhirBase.toString();
        this.fhirBase = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.loginDriver = loginDriver;
        this.sslContext = sslContext;
        this.portalPages = portalPages;
        this.http = new HttpSession(sslContext);
    }

    /** The patient's pages on the authorization server (found from the discovered issuer). */
    public Portal portal() {
        return new Portal(discovery().issuer(), loginDriver.forms(), portalPages);
    }

    public URI fhirBase() {
        return fhirBase;
    }

    public HttpSession http() {
        return http;
    }

    /** A fresh browser session (own cookies) with this client's trust in the deployment's certificate. */
    public HttpSession newSession() {
        return new HttpSession(sslContext);
    }

    /** What this client validates the deployment's certificates with. */
    public SSLContext sslContext() {
        return sslContext;
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
        AuthorizationOutcome outcome = loginDriver.authorize(newSession(), request, user);
        Response tokenExchange = outcome.code()
                .map(code -> exchangeCode(client, code, request.redirectUri(), pkce.verifier()))
                .orElse(null);
        return new Launch(request, pkce, outcome, tokenExchange);
    }

    /** Runs the browser part only, in a fresh browser session. */
    public AuthorizationOutcome authorize(AuthorizationRequest request, Credentials user) {
        return loginDriver.authorize(newSession(), request, user);
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
        return tokenRequest(ClientAuthentication.of(client), form, headers);
    }

    /** A token endpoint request authenticated as {@code auth} says. */
    public Response tokenRequest(ClientAuthentication auth, Map<String, String> form, String... headers) {
        return clientRequest(discovery().tokenEndpoint(), auth, form, headers);
    }

    /** A form POST to an endpoint that authenticates clients (token, introspection, revocation). */
    public Response clientRequest(URI endpoint, ClientAuthentication auth, Map<String, String> form, String... headers) {
        Map<String, String> body = new LinkedHashMap<>(form);
        java.util.List<String> allHeaders = new java.util.ArrayList<>(Arrays.asList(headers));
        if (auth != null) {
            auth.apply(endpoint, body, allHeaders);
        }
        allHeaders.add("Accept");
        allHeaders.add("application/json");
        return http.postForm(endpoint, body, allHeaders.toArray(String[]::new));
    }

    /** The authorization_code grant with the given client authentication. */
    public Response exchangeCode(ClientAuthentication auth, String code, String redirectUri, String verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        return tokenRequest(auth, form);
    }

    /** The refresh_token grant; a null scope leaves the parameter out. */
    public Response refresh(ClientAuthentication auth, String refreshToken, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        if (scope != null) {
            form.put("scope", scope);
        }
        return tokenRequest(auth, form);
    }

    /**
     * A standalone launch (GET authorize) in a fresh browser session with the given client
     * authentication at the token endpoint and the user's choices on the picker and consent pages.
     */
    public Launch launch(String clientId, String redirectUri, ClientAuthentication auth, Credentials user, String scope,
            LoginDriver.Choices choices) {
        Pkce pkce = Pkce.generate();
        AuthorizationRequest request = AuthorizationRequest.standalone(
                discovery().authorizationEndpoint(), clientId, redirectUri, scope, fhirBase, pkce);
        AuthorizationOutcome outcome = loginDriver.authorize(newSession(), request, user, choices);
        Response tokenExchange = outcome.code()
                .map(code -> exchangeCode(auth, code, request.redirectUri(), pkce.verifier()))
                .orElse(null);
        return new Launch(request, pkce, outcome, tokenExchange);
    }

    public LoginDriver loginDriver() {
        return loginDriver;
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
