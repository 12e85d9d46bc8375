package org.portico.conformance;

/**
 * Where {@link Portal} finds the patient's pages on the authorization server, and the forms on them.
 * The defaults are Portico's; another server describes its own (or its EHR launch and revocation rows
 * fail, saying which page or form was missing).
 *
 * @param launchPage path of the page that starts an EHR launch ("Launch an app")
 * @param launchForm selects an app's launch form on it; {@code {client_id}} stands for the app's id
 * @param appsPage   path of the connected-apps page
 * @param revokeForm selects the revoke forms on it (each with an input {@code client_id})
 */
public record PortalPages(String launchPage, String launchForm, String appsPage, String revokeForm) {

    public static PortalPages defaults() {
        return new PortalPages("/portico/launch", "form#launch-{client_id}", "/account/apps", "form.revoke-form");
    }
}
