package org.portico.fhir.capability;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.portico.smart.discovery.SmartConfiguration;

/** {@code {fhirBase}/.well-known/smart-configuration}: public, JSON, the document smart-core defines. */
public final class SmartConfigurationServlet extends HttpServlet {

    public static final String PATH = "/.well-known/smart-configuration";
    private static final long serialVersionUID = 1L;

    private final byte[] body;

    public SmartConfigurationServlet(URI issuer) {
        try {
            this.body = new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(SmartConfiguration.portico(issuer).toJson());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the SMART configuration", e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "public, max-age=3600");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
