package org.portico.conformance;

/** {@link G10Attestation} (shipped in the kit's jar) in the failsafe report, so that every id of scenario 11 is listed with what a person checks. */
class G10AttestationIT extends G10Attestation {
}
