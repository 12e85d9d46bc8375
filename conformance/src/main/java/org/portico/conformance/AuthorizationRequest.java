package org.portico.conformance;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A SMART authorization request sent by GET (SMART App Launch 2.x §2.0.5, as Inferno sends it). A null
 * parameter is left out of the URL, so tests can build deliberately broken requests with the
 * {@code with...} methods.
 */
public record AuthorizationRequest(
        URI authorizationEndpoint,
        String responseType,
        String clientId,
        String redirectUri,
        String scope,
        String state,
        String aud,
        String codeChallenge,
        String codeChallengeMethod,
        String launch) {

    /** A well-formed standalone-launch request with a fresh state and the given PKCE pair. */
    public static AuthorizationRequest standalone(
            URI authorizationEndpoint, String clientId, String redirectUri, String scope, URI fhirBase, Pkce pkce) {
        return new AuthorizationRequest(authorizationEndpoint, "code", clientId, redirectUri, scope,
                UUID.randomUUID().toString(), fhirBase.toString(), pkce.challenge(), Pkce.METHOD, null);
    }

    /** The request parameters, nulls left out, in Inferno's order (also the body of an authorize POST). */
    public Map<String, String> parameters() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", responseType);
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("scope", scope);
        params.put("state", state);
        params.put("aud", aud);
        params.put("code_challenge", codeChallenge);
        params.put("code_challenge_method", codeChallengeMethod);
        params.put("launch", launch);
        params.values().removeIf(java.util.Objects::isNull);
        return params;
    }

    public URI toUri() {
        String query = parameters().entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> HttpSession.encode(e.getKey()) + "=" + HttpSession.encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String base = authorizationEndpoint.toString();
        // keep parameters already present in a registered authorization_endpoint
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }

    public AuthorizationRequest withClientId(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, value, redirectUri, scope, state, aud,
                codeChallenge, codeChallengeMethod, launch);
    }

    public AuthorizationRequest withRedirectUri(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, value, scope, state, aud,
                codeChallenge, codeChallengeMethod, launch);
    }

    public AuthorizationRequest withScope(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, redirectUri, value, state, aud,
                codeChallenge, codeChallengeMethod, launch);
    }

    public AuthorizationRequest withAud(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, redirectUri, scope, state, value,
                codeChallenge, codeChallengeMethod, launch);
    }

    /** Replaces both PKCE parameters; nulls leave them out. */
    public AuthorizationRequest withCodeChallenge(String challenge, String method) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, redirectUri, scope, state, aud,
                challenge, method, launch);
    }

    /** Adds (or with null removes) the EHR launch parameter. */
    public AuthorizationRequest withLaunch(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, redirectUri, scope, state, aud,
                codeChallenge, codeChallengeMethod, value);
    }
}
