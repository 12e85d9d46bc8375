package org.portico.fhir.ig;

import ca.uhn.fhir.jpa.packages.IHapiPackageCacheManager;
import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallOutcomeJson;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Installs the FHIR packages of {@link BundledPackage#ALL} from portico-ig (never from the network:
 * dependencies are not fetched), in order. A package already stored in the database is skipped, so
 * a restart costs one lookup per package; a package whose installation fails is removed again, so the
 * next start retries it instead of skipping a half-installed package.
 */
@Component
public class FhirPackages {

    private static final Logger log = LoggerFactory.getLogger(FhirPackages.class);

    private final IPackageInstallerSvc installer;
    private final IHapiPackageCacheManager packageCache;
    private final ISearchParamRegistry searchParamRegistry;

    public FhirPackages(IPackageInstallerSvc installer, IHapiPackageCacheManager packageCache,
            ISearchParamRegistry searchParamRegistry) {
        this.installer = installer;
        this.packageCache = packageCache;
        this.searchParamRegistry = searchParamRegistry;
    }

    /** What one start-up did with a package, and how long it took. */
    public record Installed(BundledPackage pkg, boolean alreadyInstalled, long millis, Map<String, Integer> resources) {}

    public List<Installed> installAll() {
        long start = System.nanoTime();
        List<Installed> done = BundledPackage.ALL.stream().map(this::install).toList();
        searchParamRegistry.forceRefresh();
        log.info("FHIR packages ready in {} ms: {}", millis(start),
                done.stream().map(i -> i.pkg().id() + (i.alreadyInstalled() ? " (already installed)" : " (installed in "
                        + i.millis() + " ms)")).toList());
        return done;
    }

    Installed install(BundledPackage pkg) {
        long start = System.nanoTime();
        if (packageCache.loadPackageContents(pkg.name(), pkg.version()) != null) {
            return new Installed(pkg, true, millis(start), Map.of());
        }
        PackageInstallationSpec spec = new PackageInstallationSpec()
                .setName(pkg.name())
                .setVersion(pkg.version())
                .setPackageContents(read(pkg))
                .setFetchDependencies(false)
                .setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_AND_INSTALL)
                // each version's profiles are kept under their own id, so |6.1.0 and |7.0.0 both resolve
                .setVersionPolicy(PackageInstallationSpec.VersionPolicyEnum.MULTI_VERSION);
        spec.setInstallResourceTypes(pkg.resourceTypes());
        PackageInstallOutcomeJson outcome;
        try {
            outcome = installer.install(spec);
        } catch (RuntimeException e) {
            log.error("{} ({}) failed to install; removing it so that the next start retries", pkg.id(), pkg.purpose());
            try {
                installer.uninstall(spec);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        Map<String, Integer> resources = new TreeMap<>(outcome.getResourcesInstalled());
        long took = millis(start);
        log.info("{} ({}) installed in {} ms: {}", pkg.id(), pkg.purpose(), took, resources);
        return new Installed(pkg, false, took, resources);
    }

    static byte[] read(BundledPackage pkg) {
        try (InputStream in = new ClassPathResource(pkg.classpathResource()).getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("FHIR package missing from the classpath: " + pkg.classpathResource(), e);
        }
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
