package org.portico.fhir.ingest;

import com.nimbusds.jose.jwk.JWKSet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code [base]/.well-known/pull-jwks/[source id]}: public, the JWK Set holding the public half of the
 * key Portico signs its client assertions with when it pulls from that source (ADR 0022), for sources
 * that register a client by {@code jwks_url} (a new key at Portico is then picked up without a new
 * registration at the source). Unknown sources, sources without a pull and keys that cannot be read
 * answer 404, saying no more.
 */
public final class PullJwksServlet extends HttpServlet {

    public static final String PATH = "/.well-known/pull-jwks";
    private static final long serialVersionUID = 1L;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-]{1,64}");

    private final transient PullSources pulls;
    private final transient PullKeys keys;

    public PullJwksServlet(PullSources pulls, PullKeys keys) {
        this.pulls = pulls;
        this.keys = keys;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        String id = path == null ? "" : path.substring(1);
        Optional<JWKSet> set = ID.matcher(id).matches() ? jwks(id) : Optional.empty();
        byte[] body = set.map(s -> s.toString(true)).orElse("{\"error\":\"not_found\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(set.isPresent() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_NOT_FOUND);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", set.isPresent() ? "public, max-age=300" : "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private Optional<JWKSet> jwks(String sourceId) {
        return pulls.bySource(sourceId).flatMap(pull -> {
            try {
                return Optional.of(new JWKSet(keys.load(pull.keyRef()).publicJwk()));
            } catch (PullKeys.KeyException e) {
                return Optional.empty();
            }
        });
    }
}
