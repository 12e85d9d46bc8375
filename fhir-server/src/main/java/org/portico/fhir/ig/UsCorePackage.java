package org.portico.fhir.ig;

import ca.uhn.fhir.jpa.packages.IHapiPackageCacheManager;
import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Installs US Core 6.1.0 from the package bundled in portico-ig (never from the network), so its
 * profiles are stored and its SearchParameters active. A package already in the database is skipped.
 */
@Component
public class UsCorePackage {

    public static final String NAME = "hl7.fhir.us.core";
    public static final String VERSION = "6.1.0";
    static final String RESOURCE = "portico/ig/packages/hl7.fhir.us.core-6.1.0.tgz";
    private static final Logger log = LoggerFactory.getLogger(UsCorePackage.class);

    private final IPackageInstallerSvc installer;
    private final IHapiPackageCacheManager packageCache;
    private final ISearchParamRegistry searchParamRegistry;

    public UsCorePackage(IPackageInstallerSvc installer, IHapiPackageCacheManager packageCache,
            ISearchParamRegistry searchParamRegistry) {
        this.installer = installer;
        this.packageCache = packageCache;
        this.searchParamRegistry = searchParamRegistry;
    }

    public void install() {
        if (packageCache.loadPackageContents(NAME, VERSION) != null) {
            log.info("{}#{} already installed", NAME, VERSION);
            return;
        }
        long start = System.nanoTime();
        byte[] contents;
        try (InputStream in = new ClassPathResource(RESOURCE).getInputStream()) {
            contents = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("FHIR package missing from the classpath: " + RESOURCE, e);
        }
        installer.install(new PackageInstallationSpec()
                .setName(NAME)
                .setVersion(VERSION)
                .setPackageContents(contents)
                .setFetchDependencies(false)
                .setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_AND_INSTALL));
        searchParamRegistry.forceRefresh();
        log.info("{}#{} installed in {} ms", NAME, VERSION, (System.nanoTime() - start) / 1_000_000);
    }
}
