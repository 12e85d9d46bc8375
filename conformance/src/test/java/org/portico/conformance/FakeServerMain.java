package org.portico.conformance;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.TreeMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Stands in for a server jar in {@link LocalDeploymentIT}: prints its Portico environment and its
 * {@code javax.net.ssl} JVM options, then answers 200 to everything on {@code SERVER_PORT} until it is
 * stopped; over HTTPS with {@code SERVER_SSL_KEY_STORE} (and {@code SERVER_SSL_ENABLED_PROTOCOLS})
 * when {@code SERVER_SSL_ENABLED=true}, as Spring Boot would.
 */
public final class FakeServerMain {

    public static void main(String[] args) throws Exception {
        new TreeMap<>(System.getenv()).forEach((name, value) -> {
            if (name.startsWith("PORTICO_") || name.startsWith("SERVER_")) {
                System.out.println(name + "=" + value);
            }
        });
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("-Djavax.net.ssl."))
                .forEach(option -> System.out.println("jvm " + option));
        InetSocketAddress address = new InetSocketAddress(Integer.parseInt(System.getenv("SERVER_PORT")));
        HttpServer server;
        if ("true".equals(System.getenv("SERVER_SSL_ENABLED"))) {
            char[] password = System.getenv("SERVER_SSL_KEY_STORE_PASSWORD").toCharArray();
            KeyStore keys = KeyStore.getInstance(System.getenv("SERVER_SSL_KEY_STORE_TYPE"));
            try (InputStream in = Files.newInputStream(Path.of(System.getenv("SERVER_SSL_KEY_STORE")))) {
                keys.load(in, password);
            }
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            HttpsServer https = HttpsServer.create(address, 0);
            String protocols = System.getenv("SERVER_SSL_ENABLED_PROTOCOLS");
            https.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = context.getDefaultSSLParameters();
                    if (protocols != null) {
                        ssl.setProtocols(protocols.split(","));
                    }
                    parameters.setSSLParameters(ssl);
                }
            });
            server = https;
        } else {
            server = HttpServer.create(address, 0);
        }
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("fake server started");
    }
}
