package org.portico.conformance;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives the checks the {@link Deployment} under test, once per test run (kept in the root context's
 * store, so every test class shares it and what was opened for it is closed when the run ends).
 *
 * <p>Which deployment: the one {@link Main} registered and named in the configuration parameter
 * {@value #TARGET_PARAMETER} (the CLI, from its configuration file); otherwise the first
 * {@link DeploymentProvider} on the class path (this module's integration tests start both Portico
 * servers through one).
 */
public final class DeploymentExtension implements ParameterResolver {

    /** The JUnit configuration parameter by which {@link Main} names the deployment it {@link #register registered}. */
    public static final String TARGET_PARAMETER = "portico.conformance.target";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DeploymentExtension.class);
    private static final Map<String, Deployment> REGISTERED = new ConcurrentHashMap<>();

    /** Makes {@code deployment} available to a test run launched with {@value #TARGET_PARAMETER} = the returned id. */
    public static String register(Deployment deployment) {
        String id = UUID.randomUUID().toString();
        REGISTERED.put(id, deployment);
        return id;
    }

    public static void unregister(String id) {
        REGISTERED.remove(id);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Deployment.class;
    }

    @Override
    public Deployment resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Handle.class, key -> Handle.open(context), Handle.class)
                .deployment();
    }

    /** The deployment, or why it could not be had (so later classes fail at once instead of retrying). */
    private record Handle(Deployment value, AutoCloseable resources, RuntimeException failure)
            implements ExtensionContext.Store.CloseableResource {

        static Handle open(ExtensionContext context) {
            Optional<String> target = context.getConfigurationParameter(TARGET_PARAMETER);
            if (target.isPresent()) {
                Deployment registered = REGISTERED.get(target.get());
                return registered != null ? new Handle(registered, null, null)
                        : new Handle(null, null, new IllegalStateException("No deployment registered as " + target.get()));
            }
            Optional<DeploymentProvider> provider = ServiceLoader.load(DeploymentProvider.class).findFirst();
            if (provider.isEmpty()) {
                return new Handle(null, null, new IllegalStateException(
                        "No deployment to test: run the kit with its CLI (java -jar portico-conformance.jar --fhir-base URL)"));
            }
            try {
                DeploymentProvider.Opened opened = provider.get().open();
                return new Handle(opened.deployment(), opened.resources(), null);
            } catch (RuntimeException e) {
                System.err.println("[e2e] could not open the deployment under test: " + e.getMessage());
                return new Handle(null, null, e);
            }
        }

        Deployment deployment() {
            if (failure != null) {
                throw new IllegalStateException("The deployment under test could not be started", failure);
            }
            return value;
        }

        @Override
        public void close() throws Exception {
            if (resources != null) {
                resources.close();
            }
        }
    }
}
