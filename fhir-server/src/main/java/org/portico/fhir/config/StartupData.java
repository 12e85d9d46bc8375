package org.portico.fhir.config;

import org.portico.fhir.demo.DemoDataLoader;
import org.portico.fhir.ig.FhirPackages;
import org.portico.fhir.ig.SearchParameterCheck;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Start-up data, in order: the FHIR packages first (US Core's SearchParameters index what follows),
 * the check that US Core's SearchParameters are in force, then the demo bundles. Runs once all beans
 * exist and before the web server accepts requests.
 */
@Component
class StartupData implements SmartInitializingSingleton {

    private final FhirPackages packages;
    private final SearchParameterCheck searchParameterCheck;
    private final DemoDataLoader demoLoader;
    private final PorticoFhirProperties properties;

    StartupData(FhirPackages packages, SearchParameterCheck searchParameterCheck, DemoDataLoader demoLoader,
            PorticoFhirProperties properties) {
        this.packages = packages;
        this.searchParameterCheck = searchParameterCheck;
        this.demoLoader = demoLoader;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        packages.installAll();
        searchParameterCheck.run();
        demoLoader.load(properties.demoPaths());
    }
}
