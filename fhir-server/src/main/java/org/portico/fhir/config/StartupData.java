package org.portico.fhir.config;

import org.portico.fhir.demo.DemoDataLoader;
import org.portico.fhir.ig.UsCorePackage;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Start-up data, in order: US Core first (its SearchParameters index what follows), then the demo
 * bundles. Runs once all beans exist and before the web server accepts requests.
 */
@Component
class StartupData implements SmartInitializingSingleton {

    private final UsCorePackage usCore;
    private final DemoDataLoader demoLoader;
    private final PorticoFhirProperties properties;

    StartupData(UsCorePackage usCore, DemoDataLoader demoLoader, PorticoFhirProperties properties) {
        this.usCore = usCore;
        this.demoLoader = demoLoader;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        usCore.install();
        properties.demoPath().ifPresent(demoLoader::load);
    }
}
