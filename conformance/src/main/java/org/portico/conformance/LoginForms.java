package org.portico.conformance;

/**
 * How {@link LoginDriver} finds its way through an authorization server's pages: jsoup CSS selectors
 * and field names. The defaults fit Portico and Spring Authorization Server; another server's pages
 * may need their own.
 *
 * @param loginForm     selects the login form
 * @param usernameField name of the username input
 * @param passwordField name of the password input
 * @param consentForm   selects the consent form
 * @param scopeField    name of the consent checkboxes whose value is a scope
 * @param approveButton selects the approve button inside the consent form; null means the first submit
 *                      button that does not read as deny/cancel
 */
public record LoginForms(
        String loginForm,
        String usernameField,
        String passwordField,
        String consentForm,
        String scopeField,
        String approveButton) {

    public static LoginForms defaults() {
        return new LoginForms(
                "form:has(input[name=username]):has(input[name=password])",
                "username",
                "password",
                "form:has(input[name=scope])",
                "scope",
                null);
    }
}
