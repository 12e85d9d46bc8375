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
 * @param pickerForm    selects the patient picker form (shown before consent when the user may act for
 *                      several patients); null when the server has none
 * @param patientField  name of the picker's patient radios
 * @param granularField name of the consent checkboxes whose value is a category-restricted (granular)
 *                      scope offered under a resource scope
 * @param sensitiveField name of the consent checkboxes that share a class of sensitive data (mental
 *                      health, substance use, ...), which a server may leave unticked by default; the
 *                      driver ticks them, as a (g)(10) tester shares everything the app asks for; null
 *                      when the server has none
 */
public record LoginForms(
        String loginForm,
        String usernameField,
        String passwordField,
        String consentForm,
        String scopeField,
        String approveButton,
        String pickerForm,
        String patientField,
        String granularField,
        String sensitiveField) {

    /** A server without patient picker or granular consent. */
    public LoginForms(String loginForm, String usernameField, String passwordField, String consentForm,
            String scopeField, String approveButton) {
        this(loginForm, usernameField, passwordField, consentForm, scopeField, approveButton, null, null, null, null);
    }

    public static LoginForms defaults() {
        return new LoginForms(
                "form:has(input[name=username]):has(input[name=password])",
                "username",
                "password",
                "form:has(input[name=scope])",
                "scope",
                null,
                "form#patient-picker",
                "patient",
                "granular_scope",
                "sensitive_class");
    }
}
