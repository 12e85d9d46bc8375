package org.portico.fhir.ig;

import java.util.List;

/**
 * A FHIR NPM package carried in portico-ig and installed at start-up, never fetched from the network.
 *
 * @param name          the package name, e.g. {@code hl7.fhir.us.core}
 * @param version       the package version
 * @param purpose       why the server holds it, for the start-up log
 * @param resourceTypes the resource types to install from it
 */
public record BundledPackage(String name, String version, String purpose, List<String> resourceTypes) {

    /** Conformance resources HAPI installs by default, less SearchParameter. */
    static final List<String> PROFILES_ONLY = List.of("NamingSystem", "CodeSystem", "ValueSet", "StructureDefinition", "ConceptMap");
    static final List<String> PROFILES_AND_SEARCH_PARAMETERS = List.of("NamingSystem", "CodeSystem", "ValueSet",
            "StructureDefinition", "ConceptMap", "SearchParameter");

    public static final String US_CORE = "hl7.fhir.us.core";

    /**
     * US Core 6.1.0, the HTI-1 baseline: its profiles (to validate against {@code |6.1.0}) but not its
     * SearchParameters, which 7.0.0 redefines under the same canonical URLs.
     */
    public static final BundledPackage US_CORE_6 = new BundledPackage(US_CORE, "6.1.0",
            "US Core 6.1.0 profiles (HTI-1 baseline)", PROFILES_ONLY);

    /** US Core 7.0.0, the version the server claims: its profiles and every SearchParameter. */
    public static final BundledPackage US_CORE_7 = new BundledPackage(US_CORE, "7.0.0",
            "US Core 7.0.0 profiles and SearchParameters (served)", PROFILES_AND_SEARCH_PARAMETERS);

    /** In installation order: where two versions share a canonical URL, the last one is the newest. */
    public static final List<BundledPackage> ALL = List.of(US_CORE_6, US_CORE_7);

    public BundledPackage {
        resourceTypes = List.copyOf(resourceTypes);
    }

    public String id() {
        return name + "#" + version;
    }

    /** Where the archive is on the classpath (portico-ig). */
    public String classpathResource() {
        return "portico/ig/packages/" + name + "-" + version + ".tgz";
    }
}
