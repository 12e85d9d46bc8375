package org.portico.smart.claims;

import java.util.Set;

/**
 * The HL7 security labels ({@code system|code}) Portico withholds unless a token's
 * {@link SmartClaims#SENSITIVE} claim lists them (ADR 0019, ADR 0021): restricted and very restricted
 * confidentiality, and the sensitivity codes of substance use (ETH, SUD: 42 CFR Part 2), mental and
 * behavioural health (PSY, BH), sexual and reproductive health (SEX), sexually transmitted disease
 * (STD), HIV, and sexual or domestic violence (SDV).
 */
public final class SecurityLabels {

    public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    public static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    /** Every label the fhir-server withholds; a token listing all of them withholds nothing. */
    public static final Set<String> ALL = Set.of(
            CONFIDENTIALITY + "|R", CONFIDENTIALITY + "|V",
            ACT_CODE + "|ETH", ACT_CODE + "|SUD", ACT_CODE + "|PSY", ACT_CODE + "|BH", ACT_CODE + "|SEX",
            ACT_CODE + "|STD", ACT_CODE + "|HIV", ACT_CODE + "|SDV");

    private SecurityLabels() {}
}
