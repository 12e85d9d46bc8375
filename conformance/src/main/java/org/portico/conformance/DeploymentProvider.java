package org.portico.conformance;

/**
 * Supplies the deployment under test when the kit runs without {@link Main} (the module's own
 * failsafe run starts both Portico servers this way). Found with {@link java.util.ServiceLoader}.
 */
public interface DeploymentProvider {

    /** The deployment, and what to close when the test run ends (may be null). */
    record Opened(Deployment deployment, AutoCloseable resources) {}

    Opened open();
}
