package org.portico.conformance;

import java.util.List;

/**
 * A client registered at the authorization server under test. A null secret means a public client
 * (client_id in the token request body); otherwise HTTP Basic (client_secret_basic).
 */
public record ClientRegistration(String clientId, String clientSecret, List<String> redirectUris) {

    public ClientRegistration {
        redirectUris = List.copyOf(redirectUris);
        if (redirectUris.isEmpty()) {
            throw new IllegalArgumentException("client " + clientId + " has no redirect URI");
        }
    }

    public boolean isPublic() {
        return clientSecret == null;
    }

    /** The redirect URI the suite uses: the first registered. */
    public String redirectUri() {
        return redirectUris.get(0);
    }

    @Override
    public String toString() {
        return "ClientRegistration[clientId=" + clientId + ", public=" + isPublic() + "]";
    }
}
