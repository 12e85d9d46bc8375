package org.portico.conformance;

import static org.junit.jupiter.api.Assumptions.abort;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 11, Visual Inspection and Attestation (G10 checklist §7.7): questions a person answers
 * "yes" to in Inferno, by looking at the product or its documentation. The kit cannot answer them,
 * so every row is reported as skipped, naming what the person checks; where an automated check
 * of this kit covers part of the question, the reason says which row. No row passes by itself.
 */
class G10Attestation {

    private static void attest(String whatToCheck) {
        abort("attestation (a person answers it in Inferno): " + whatToCheck);
    }

    @Test
    @DisplayName("11.01 app registration for single-patient apps")
    void row_11_01() {
        attest("how an app developer registers a patient-facing app (Portico: open dynamic client registration, README 'Registering your own app', ADR 0007)");
    }

    @Test
    @DisplayName("11.02 app registration for multi-patient (bulk) apps")
    void row_11_02() {
        attest("how a backend (system/) client is registered by the operator (README 'Bulk Data export (backend clients)')");
    }

    @Test
    @DisplayName("11.03 a user interface lets the patient choose the resources an app may access")
    void row_11_03() {
        attest("the consent page's per-type and per-category choices (automated in part: 2.x Limited Access, 9.28 granular selection)");
    }

    @Test
    @DisplayName("11.04 the patient is told when offline_access (a refresh token) is granted")
    void row_11_04() {
        attest("the consent page's explanation of offline access");
    }

    @Test
    @DisplayName("11.05 refresh tokens are valid for at least 3 months")
    void row_11_05() {
        attest("the refresh token lifetime (Portico: 90 days, sliding; the refresh itself is 1.x/9.21's refresh rows)");
    }

    @Test
    @DisplayName("11.07 the information provided is accurate and complete")
    void row_11_07() {
        attest("that the data an app receives is the patient's complete record");
    }

    @Test
    @DisplayName("11.08 a multi-patient token never exceeds the pre-authorized scope")
    void row_11_08() {
        attest("that granted system/ scopes are the requested ones within the registered ones (automated in part: 8.1 backend-services rows)");
    }

    @Test
    @DisplayName("11.09 the public API documentation (syntax, functions, parameters, return values, errors)")
    void row_11_09() {
        attest("the public documentation URL of the API (Portico: README 'For app developers' and docs/wire-contract.md)");
    }

    @Test
    @DisplayName("11.10 a client's JWKS is not cached longer than its Cache-Control allows")
    void row_11_10() {
        attest("JWKS caching (Portico keeps a client's jwks_uri document as its Cache-Control max-age says, within the floor and ceiling of ClientAuthProperties, and refetches on an unknown kid)");
    }

    @Test
    @DisplayName("11.13 native apps get refresh tokens valid for at least 3 months")
    void row_11_13() {
        attest("refresh tokens for public (native) clients, with rotation (Portico: issued, 90 days, rotated on use)");
    }

    @Test
    @DisplayName("11.14 service base URLs and organization details are published (170.404(b)(2))")
    void row_11_14() {
        attest("the publication of the FHIR base URLs and organization details (an operator's endpoint list)");
    }

    @Test
    @DisplayName("11.15 TLS 1.2 or newer is enforced, documented if older versions were accepted")
    void row_11_15() {
        attest("the TLS documentation (automated: the TLS rows 1.02/1.03 refuse SSL 3.0, TLS 1.0 and 1.1)");
    }

    @Test
    @DisplayName("11.16 a refresh yields a new or extended refresh token valid another 3 months")
    void row_11_16() {
        attest("that a refresh extends the refresh token (Portico: sliding 90 days)");
    }

    @Test
    @DisplayName("11.17 Bulk Data _since semantics")
    void row_11_17() {
        attest("what _since means for exported resources (Portico: resources changed since the instant, HAPI's bulk export; 8.5.04 kicks one off)");
    }

    @Test
    @DisplayName("11.18 sub-resource scope for Clinical Test Observations (procedure category)")
    void row_11_18() {
        attest("the consent page offers the Clinical Test category (automated in part: 9.28)");
    }

    @Test
    @DisplayName("11.19 sub-resource scope for Clinical Test Observations is enforced")
    void row_11_19() {
        attest("enforcement of the Clinical Test category scope (automated for granted categories: 9.25)");
    }

    @Test
    @DisplayName("11.20 sub-resource scope for SDOH Observations (sdoh category)")
    void row_11_20() {
        attest("the consent page offers the SDOH category (automated in part: 9.28)");
    }

    @Test
    @DisplayName("11.21 sub-resource scope for SDOH Observations is enforced")
    void row_11_21() {
        attest("enforcement of the SDOH category scope (automated for granted categories: 9.25)");
    }
}
