package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The kit's configuration file (JSON): which deployment, the logins and clients to use on it and what
 * they are expected to see, and how its pages look. Every string may name environment variables as
 * {@code ${NAME}} so that passwords and secrets stay out of the file. See the conformance README for
 * the format and an example.
 *
 * <pre>
 * { "fhirBase": "https://ehr.example.org/fhir",
 *   "tls": { "trustCertificates": ["ca.pem"], "trustSystemCertificates": true },
 *   "users":   [ { "username": "alice", "password": "${ALICE_PASSWORD}", "patient": "123",
 *                  "acts_for": [ { "patient": "456" } ] } ],
 *   "clients": [ { "client_id": "my-app", "type": "public", "redirect_uris": ["http://127.0.0.1/cb"] } ],
 *   "login":   { "loginForm": "form#login", "usernameField": "user", ... },
 *   "portal":  { "launchPage": "/launch", "launchForm": "form#app-{client_id}", ... },
 *   "singlePatientApi": { "patients": ["123", "456"] },
 *   "callsBackToLocalhost": false }
 * </pre>
 */
public record ConformanceConfig(URI fhirBase, DemoFile logins, SSLContext sslContext, boolean selfSignedCertificate,
        LoginForms loginForms, PortalPages portalPages, boolean callsBackToLocalhost) {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** The deployment this configuration describes. */
    public Deployment deployment() {
        return new Deployment(fhirBase, logins, sslContext, selfSignedCertificate, loginForms, portalPages,
                callsBackToLocalhost);
    }

    /**
     * Reads {@code file} (null: an empty configuration), expanding {@code ${NAME}} from {@code env};
     * {@code fhirBase}, when not null, overrides the file's. Relative paths in the file are resolved
     * against the file's folder.
     */
    public static ConformanceConfig load(Path file, URI fhirBase, Function<String, String> env) {
        JsonNode root;
        Path folder;
        if (file == null) {
            root = JsonNodeFactory.instance.objectNode();
            folder = Path.of("").toAbsolutePath();
        } else {
            try {
                root = Response.JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read the configuration " + file + ": " + e.getMessage(), e);
            }
            if (!root.isObject()) {
                throw new IllegalArgumentException("The configuration " + file + " is not a JSON object");
            }
            folder = file.toAbsolutePath().getParent();
        }
        root = expand(root, env);
        URI base = fhirBase != null ? fhirBase : textOrNull(root, "fhirBase") == null ? null : URI.create(root.path("fhirBase").asText());
        if (base == null) {
            throw new IllegalArgumentException("No FHIR base: give --fhir-base or \"fhirBase\" in the configuration");
        }
        JsonNode tls = root.path("tls");
        List<Path> certificates = new ArrayList<>();
        tls.path("trustCertificates").forEach(c -> certificates.add(folder.resolve(c.asText())));
        boolean trustSystem = tls.path("trustSystemCertificates").asBoolean(true);
        SSLContext sslContext = certificates.isEmpty() ? Deployment.defaultSslContext() : sslContext(certificates, trustSystem);
        return new ConformanceConfig(base, DemoFile.parse(root), sslContext, !certificates.isEmpty(),
                loginForms(root.path("login")), portalPages(root.path("portal")),
                root.path("callsBackToLocalhost").asBoolean(false));
    }

    private static LoginForms loginForms(JsonNode login) {
        LoginForms d = LoginForms.defaults();
        return new LoginForms(
                text(login, "loginForm", d.loginForm()),
                text(login, "usernameField", d.usernameField()),
                text(login, "passwordField", d.passwordField()),
                text(login, "consentForm", d.consentForm()),
                text(login, "scopeField", d.scopeField()),
                text(login, "approveButton", d.approveButton()),
                text(login, "pickerForm", d.pickerForm()),
                text(login, "patientField", d.patientField()),
                text(login, "granularField", d.granularField()),
                text(login, "sensitiveField", d.sensitiveField()));
    }

    private static PortalPages portalPages(JsonNode portal) {
        PortalPages d = PortalPages.defaults();
        return new PortalPages(
                text(portal, "launchPage", d.launchPage()),
                text(portal, "launchForm", d.launchForm()),
                text(portal, "appsPage", d.appsPage()),
                text(portal, "revokeForm", d.revokeForm()));
    }

    /** The member's text; the fallback when absent; null when the member is JSON null (e.g. "no picker"). */
    private static String text(JsonNode node, String name, String fallback) {
        if (!node.has(name)) {
            return fallback;
        }
        return node.get(name).isNull() ? null : node.get(name).asText();
    }

    private static String textOrNull(JsonNode node, String name) {
        return node.hasNonNull(name) ? node.get(name).asText() : null;
    }

    /** A copy of {@code node} with {@code ${NAME}} in every string replaced; an unset variable is an error. */
    static JsonNode expand(JsonNode node, Function<String, String> env) {
        if (node.isTextual()) {
            Matcher m = VARIABLE.matcher(node.asText());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = env.apply(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException("The configuration names ${" + m.group(1) + "}, which is not set");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return TextNode.valueOf(out.toString());
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                copy.set(field.getKey(), expand(field.getValue(), env));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(expand(element, env)));
            return copy;
        }
        return node;
    }

    /** Trusts the PEM certificates given, and the JVM's CAs too when {@code trustSystem}. */
    private static SSLContext sslContext(List<Path> certificates, boolean trustSystem) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            int n = 0;
            for (Path pem : certificates) {
                try (InputStream in = Files.newInputStream(pem)) {
                    for (Certificate certificate : factory.generateCertificates(in)) {
                        trusted.setCertificateEntry("configured-" + n++, certificate);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read the certificate " + pem, e);
                }
            }
            if (trustSystem) {
                TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                system.init((KeyStore) null);
                for (var manager : system.getTrustManagers()) {
                    if (manager instanceof javax.net.ssl.X509TrustManager x509) {
                        for (X509Certificate ca : x509.getAcceptedIssuers()) {
                            trusted.setCertificateEntry("system-" + n++, ca);
                        }
                    }
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("Cannot build the trust from " + certificates + ": " + e.getMessage(), e);
        }
    }
}
