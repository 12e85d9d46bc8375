package org.portico.conformance;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.TreeMap;

/**
 * Stands in for a server jar in {@link LocalDeploymentIT}: prints its Portico environment, then
 * answers 200 to everything on {@code SERVER_PORT} until it is stopped.
 */
public final class FakeServerMain {

    public static void main(String[] args) throws Exception {
        new TreeMap<>(System.getenv()).forEach((name, value) -> {
            if (name.startsWith("PORTICO_") || name.equals("SERVER_PORT")) {
                System.out.println(name + "=" + value);
            }
        });
        HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(System.getenv("SERVER_PORT"))), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("fake server started");
    }
}
