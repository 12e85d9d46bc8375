package org.portico.fhir.bench;

import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Benchmark-only (test scope, never shipped): a second FHIR endpoint at {@code /open} over the same
 * providers, DAOs, database and caches as {@code /fhir}, with none of Portico's interceptors. The
 * difference between the two is exactly what security costs.
 */
@Configuration(proxyBeanMethods = false)
public class OpenEndpoint {

    public static final String PATH = "/open";

    @Bean
    ServletRegistrationBean<RestfulServer> openFhirServlet(RestfulServer secured, Environment env) {
        RestfulServer open = new RestfulServer(secured.getFhirContext());
        open.registerProviders(secured.getResourceProviders());
        open.registerProviders(secured.getPlainProviders());
        open.setServerConformanceProvider(secured.getServerConformanceProvider());
        open.setPagingProvider(secured.getPagingProvider());
        open.setDefaultResponseEncoding(secured.getDefaultResponseEncoding());
        open.setServerAddressStrategy(new HardcodedServerAddressStrategy(env.getProperty("portico.bench.open-base", "http://localhost/open")));
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(open, PATH + "/*");
        registration.setName("open-fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
