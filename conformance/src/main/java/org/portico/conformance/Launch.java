package org.portico.conformance;

/**
 * A standalone launch carried through to the token endpoint: the request sent, where the browser
 * ended, and the token endpoint's answer.
 */
public record Launch(AuthorizationRequest request, Pkce pkce, AuthorizationOutcome authorization, Response tokenExchange) {

    /** The token response; fails with the details when the launch did not end in a 200 from the token endpoint. */
    public TokenResponse tokens() {
        if (tokenExchange == null || tokenExchange.status() != 200) {
            throw new IllegalStateException("The launch did not yield tokens.\nauthorization:\n" + authorization
                    + "\ntoken endpoint: " + tokenExchange);
        }
        return new TokenResponse(tokenExchange.json());
    }
}
